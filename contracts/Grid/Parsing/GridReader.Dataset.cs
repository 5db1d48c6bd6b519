using System.Text.Json;
using System.Text.RegularExpressions;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    private static readonly string[] DatasetFields = ["name", "kind", "format", "train", "test", "header", "text", "label", "template", "limit"];

    private static readonly Dictionary<string, DatasetKind> Kinds = new(StringComparer.Ordinal)
    {
        ["text"] = DatasetKind.Text, ["image"] = DatasetKind.Image, ["vectors"] = DatasetKind.Vectors,
    };

    private static readonly Dictionary<string, DatasetFormat> Formats = new(StringComparer.Ordinal)
    {
        ["tsv"] = DatasetFormat.Tsv, ["csv"] = DatasetFormat.Csv, ["image-tar"] = DatasetFormat.ImageTar,
        ["image-folder"] = DatasetFormat.ImageFolder, ["idx"] = DatasetFormat.Idx, ["npy"] = DatasetFormat.Npy,
    };

    /// <summary>Which kinds each format can hold. tsv/csv vectors: every column but the label is a feature.</summary>
    private static DatasetKind[] KindsFor(DatasetFormat format) => format switch
    {
        DatasetFormat.Tsv or DatasetFormat.Csv => [DatasetKind.Text, DatasetKind.Vectors],
        DatasetFormat.Npy => [DatasetKind.Vectors],
        _ => [DatasetKind.Image],
    };

    private static string FormatName(DatasetFormat format) => Formats.First(f => f.Value == format).Key;

    private DatasetSpec? ReadDataset(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, DatasetFields);
        if (r is null) return null;

        var name = r.Required("name") is { } n ? ReadSafeName(n, r.PathOf("name")) : null;
        var kind = r.Required("kind") is { } k && JsonValues.OneOf(k, r.PathOf("kind"), _problems, Kinds.Keys, "kind") is { } ks ? Kinds[ks] : (DatasetKind?)null;
        var format = r.Required("format") is { } f && JsonValues.OneOf(f, r.PathOf("format"), _problems, Formats.Keys, "format") is { } fs ? Formats[fs] : (DatasetFormat?)null;
        _kind = kind;
        if (kind is { } kk && format is { } ff && !KindsFor(ff).Contains(kk))
            _problems.Add(r.PathOf("format"), $"format '{FormatName(ff)}' cannot hold {KindName(kk)} datasets (it holds {string.Join(" or ", KindsFor(ff).Select(KindName))})");

        var tabular = format is DatasetFormat.Tsv or DatasetFormat.Csv;
        var header = true;
        if (r.Optional("header") is { } h)
        {
            if (format is not null && !tabular) r.Forbid("header", "only applies to tsv and csv datasets");
            else header = JsonValues.Bool(h, r.PathOf("header"), _problems) ?? true;
        }

        IReadOnlyList<ColumnRef> text = [];
        if (tabular && kind == DatasetKind.Text)
            text = r.Required("text", "one or two text column names (or 0-based indices when header is false)") is { } t ? ReadTextColumns(t, r.PathOf("text"), header) ?? [] : [];
        else if (format is not null && !tabular) r.Forbid("text", "only applies to tsv and csv datasets");
        else if (kind == DatasetKind.Vectors) r.Forbid("text", "a vectors dataset uses every column but the label as features; remove text");

        ColumnRef? label = null;
        if (tabular)
            label = r.Required("label", "the label column's name (or 0-based index)") is { } l ? ReadColumn(l, r.PathOf("label"), header) : null;
        else if (format is not null) r.Forbid("label", $"only applies to tsv and csv datasets ({FormatName(format.Value)} carries its own labels)");

        string? template = null;
        if (r.Optional("template", nullIsAbsent: true) is { } tp)
        {
            if (kind is not null && kind != DatasetKind.Text) r.Forbid("template", "only applies to text datasets");
            else if (JsonValues.String(tp, r.PathOf("template"), _problems) is { } ts && CheckTemplate(ts, r.PathOf("template"), text))
                template = ts;
        }

        var limit = r.Optional("limit", nullIsAbsent: true) is { } lim ? ReadLimit(lim, r.PathOf("limit")) : null;
        var train = r.Required("train") is { } tr ? ReadSplit(tr, r.PathOf("train"), format) : null;
        var test = r.Required("test") is { } te ? ReadSplit(te, r.PathOf("test"), format) : null;

        if (_problems.Count > before) return null;
        if (options.CheckFiles && tabular)
        {
            CheckColumns(r, r.PathOf("train"), train!.Files[0], format!.Value, header, text, label!);
            if (test!.Files[0] != train.Files[0]) CheckColumns(r, r.PathOf("test"), test.Files[0], format.Value, header, text, label!);
            if (_problems.Count > before) return null;
        }
        return new DatasetSpec
        {
            Name = name!, Kind = kind!.Value, Format = format!.Value, Train = train!, Test = test!,
            Header = header, Text = text, Label = label, Template = template, Limit = limit,
        };
    }

    private IReadOnlyList<ColumnRef>? ReadTextColumns(JsonElement e, string path, bool header)
    {
        const string rule = "a list of one or two text columns";
        var items = JsonValues.List(e, path, _problems, 2, rule);
        if (items is null) return null;
        if (items.Count == 0)
        {
            _problems.Add(path, $"must be {rule}");
            return null;
        }
        var columns = new List<ColumnRef>();
        for (var i = 0; i < items.Count; i++)
        {
            var column = ReadColumn(items[i], JsonPath.Index(path, i), header);
            if (column is null) return null;
            if (columns.Contains(column))
            {
                _problems.Add(JsonPath.Index(path, i), $"column {column} is listed twice");
                return null;
            }
            columns.Add(column);
        }
        return columns;
    }

    private ColumnRef? ReadColumn(JsonElement e, string path, bool header)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String when !header:
                _problems.Add(path, $"column names need a header row (header is false); use a 0-based column index instead of {JsonValues.Quote(e.GetString()!)}");
                return null;
            case JsonValueKind.String:
                return JsonValues.String(e, path, _problems, 200) is { } s ? ColumnRef.Named(s) : null;
            case JsonValueKind.Number:
                return JsonValues.Int(e, path, _problems, 0, 100_000, "a 0-based column index") is { } i ? ColumnRef.At(i) : null;
            default:
                _problems.Add(path, $"must be a column name or a 0-based column index, got {JsonValues.Describe(e)}");
                return null;
        }
    }

    private bool CheckTemplate(string template, string path, IReadOnlyList<ColumnRef> text)
    {
        var placeholders = Regex.Matches(template, @"\{([^{}]*)\}").Select(m => m.Groups[1].Value).ToList();
        if (placeholders.Count == 0)
        {
            _problems.Add(path, "must contain at least one {column} placeholder");
            return false;
        }
        if (text.Count == 0) return true; // the text field's own problem is reported already
        var known = text.Select(c => c.ToString()).ToList();
        var ok = true;
        foreach (var p in placeholders.Distinct().Where(p => !known.Contains(p)))
        {
            _problems.Add(path, $"placeholder {{{p}}} is not one of the text columns ({Names(known)}){Suggest.DidYouMean(p, known)}");
            ok = false;
        }
        return ok;
    }

    private SplitLimit? ReadLimit(JsonElement e, string path)
    {
        var r = ObjectReader.Open(e, path, _problems, ["train", "test"]);
        if (r is null) return null;
        int? Cap(string split) => r.Optional(split, nullIsAbsent: true) is { } v
            ? JsonValues.Int(v, r.PathOf(split), _problems, 1, int.MaxValue, "a positive integer (rows to keep)")
            : null;
        return new SplitLimit(Cap("train"), Cap("test"));
    }

    /// <summary>Checks that named columns are in the file's header and indexed columns are in range.</summary>
    private void CheckColumns(ObjectReader r, string splitPath, string file, DatasetFormat format, bool header, IReadOnlyList<ColumnRef> text, ColumnRef label)
    {
        var row = TableHeader.ReadFirstRow(file, format == DatasetFormat.Tsv ? '\t' : ',', out var error);
        if (row is null)
        {
            _problems.Add(splitPath, $"{error}: {file}");
            return;
        }
        var columns = text.Select((c, i) => (Column: c, Path: JsonPath.Index(r.PathOf("text"), i))).Append((label, r.PathOf("label")));
        foreach (var (column, path) in columns)
        {
            if (column.Name is { } name && header && !row.Contains(name))
                _problems.Add(path, $"column '{name}' is not in the header of {file} (columns: {Names(row)}){Suggest.DidYouMean(name, row)}");
            else if (column.Index is { } index && index >= row.Count)
                _problems.Add(path, $"column {index} is out of range: {file} has {row.Count} columns (0-{row.Count - 1})");
        }
    }
}
