using Spectre.Console;
using Spectre.Console.Rendering;

namespace AftSweep.Client.Commands;

/// <summary>
/// Spectre tables for the verbs' human output (plan, status, trials, the sweep list, features ls), written to any
/// TextWriter: plain text (no colour or control codes), full width when the writer is not a terminal so rows never wrap.
/// </summary>
public static class ConsoleTables
{
    /// <summary>Width used for files, pipes and test writers.</summary>
    public const int UnwrappedWidth = 240;

    public static Table Create() => new Table().Border(TableBorder.Simple);

    public static Table Left(this Table table, params string[] headers)
    {
        foreach (var h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)));
        return table;
    }

    public static Table Right(this Table table, params string[] headers)
    {
        foreach (var h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned());
        return table;
    }

    /// <summary>A row of plain text cells (escaped: grid names and errors may hold [brackets]).</summary>
    public static Table Row(this Table table, params string[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
        return table;
    }

    public static void Write(TextWriter writer, params IRenderable[] items)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!ReferenceEquals(writer, Console.Out) || Console.IsOutputRedirected) console.Profile.Width = UnwrappedWidth;
        foreach (var item in items) console.Write(item);
    }

    /// <summary>The table as text, for callers that compose it with other output.</summary>
    public static string Render(params IRenderable[] items)
    {
        var writer = new StringWriter();
        Write(writer, items);
        return writer.ToString();
    }
}
