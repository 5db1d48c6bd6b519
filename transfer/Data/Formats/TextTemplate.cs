using System.Text;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// A dataset template compiled against one file's columns: literal text and <c>{column}</c> placeholders. Braces that
/// do not enclose a name (e.g. "{ }" or a lone "{") are literal; a placeholder naming no column is an error.
/// </summary>
internal sealed class TextTemplate
{
    private readonly (string? Literal, int Column)[] _parts;

    private TextTemplate((string? Literal, int Column)[] parts) => _parts = parts;

    /// <summary>No template: the text columns joined by a single space.</summary>
    public static TextTemplate Join(IReadOnlyList<int> columns)
    {
        var parts = new List<(string?, int)>();
        for (var k = 0; k < columns.Count; k++)
        {
            if (k > 0) parts.Add((" ", -1));
            parts.Add((null, columns[k]));
        }
        return new TextTemplate(parts.ToArray());
    }

    public static TextTemplate Parse(string template, ColumnResolver columns)
    {
        var parts = new List<(string?, int)>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var close = template[i] == '{' ? template.IndexOf('}', i + 1) : -1;
            var name = close > i + 1 ? template[(i + 1)..close] : null;
            if (name is not null && name.Trim().Length > 0 && !name.Contains('{') && name.Trim() == name)
            {
                if (literal.Length > 0) { parts.Add((literal.ToString(), -1)); literal.Clear(); }
                parts.Add((null, columns.ResolvePlaceholder(name)));
                i = close + 1;
                continue;
            }
            literal.Append(template[i]);
            i++;
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), -1));
        return new TextTemplate(parts.ToArray());
    }

    public string Render(string[] fields)
    {
        var sb = new StringBuilder();
        foreach (var (literal, column) in _parts) sb.Append(literal ?? fields[column]);
        return sb.ToString();
    }
}
