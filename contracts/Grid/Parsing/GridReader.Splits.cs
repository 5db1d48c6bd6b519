using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    private static readonly string[] TarSuffixes = [".tar.gz", ".tgz", ".tar"];

    /// <summary>One split's source, in the shape its format needs (grid.md, "dataset.format").</summary>
    private SplitSource? ReadSplit(JsonElement e, string path, DatasetFormat? format)
    {
        switch (format)
        {
            case null:
                return null; // the format's own problem says why this can't be read
            case DatasetFormat.Tsv or DatasetFormat.Csv:
                return ReadPath(e, path, format.Value, folder: false) is { } file ? new SplitSource { Files = [file] } : null;
            case DatasetFormat.ImageFolder:
                return ReadPath(e, path, format.Value, folder: true) is { } root ? new SplitSource { Files = [root] } : null;
            case DatasetFormat.ImageTar:
                return ReadTars(e, path) is { } tars ? new SplitSource { Files = tars } : null;
            case DatasetFormat.Idx:
                return ReadPair(e, path, "idx", "images", "labels") is var (images, labels) ? new SplitSource { Images = images, Labels = labels } : null;
            default:
                return ReadPair(e, path, "npy", "x", "y") is var (x, y) ? new SplitSource { X = x, Y = y } : null;
        }
    }

    private string? ReadPath(JsonElement e, string path, DatasetFormat format, bool folder)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            _problems.Add(path, $"must be a path (a string) for format {FormatName(format)}, got {JsonValues.Describe(e)}");
            return null;
        }
        var s = JsonValues.String(e, path, _problems);
        if (s is null) return null;
        var resolved = Resolve(s);
        if (folder) CheckFolder(path, resolved);
        else CheckFile(path, resolved);
        return resolved;
    }

    /// <summary>image-tar: a path or glob, or a list of them; expanded, de-duplicated and sorted.</summary>
    private IReadOnlyList<string>? ReadTars(JsonElement e, string path)
    {
        IReadOnlyList<(JsonElement Value, string Path)> entries;
        if (e.ValueKind == JsonValueKind.Array)
        {
            var items = JsonValues.List(e, path, _problems, 10_000, "a list of .tar.gz paths or globs");
            if (items is null) return null;
            if (items.Count == 0)
            {
                _problems.Add(path, "must list at least one .tar.gz path or glob");
                return null;
            }
            entries = items.Select((x, i) => (x, JsonPath.Index(path, i))).ToList();
        }
        else if (e.ValueKind == JsonValueKind.String) entries = [(e, path)];
        else
        {
            _problems.Add(path, $"must be a .tar.gz path or glob, or a list of them, for format image-tar, got {JsonValues.Describe(e)}");
            return null;
        }

        var files = new SortedSet<string>(StringComparer.Ordinal);
        var before = _problems.Count;
        foreach (var (value, itemPath) in entries)
        {
            var s = JsonValues.String(value, itemPath, _problems);
            if (s is null) continue;
            var resolved = Resolve(s);
            if (!TarSuffixes.Any(x => resolved.EndsWith(x, StringComparison.OrdinalIgnoreCase)))
            {
                _problems.Add(itemPath, $"must name .tar.gz, .tgz or .tar files, got {JsonValues.Quote(s)}");
                continue;
            }
            if (PathGlob.IsPattern(resolved) && options.CheckFiles)
            {
                if (PathGlob.Expand(resolved, out var error) is { } matches) files.UnionWith(matches);
                else _problems.Add(itemPath, error!);
                continue;
            }
            if (!PathGlob.IsPattern(resolved)) CheckFile(itemPath, resolved);
            files.Add(resolved);
        }
        return _problems.Count > before ? null : files.ToList();
    }

    /// <summary>idx {images, labels} / npy {x, y}: an object with two file paths.</summary>
    private (string, string)? ReadPair(JsonElement e, string path, string format, string first, string second)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            _problems.Add(path, $"must be an object {{\"{first}\": path, \"{second}\": path}} for format {format}, got {JsonValues.Describe(e)}");
            return null;
        }
        var r = ObjectReader.Open(e, path, _problems, [first, second])!;
        string? File(string field)
        {
            if (r.Required(field) is not { } v || JsonValues.String(v, r.PathOf(field), _problems) is not { } s) return null;
            var resolved = Resolve(s);
            CheckFile(r.PathOf(field), resolved);
            return resolved;
        }
        var a = File(first);
        var b = File(second);
        return a is null || b is null ? null : (a, b);
    }
}
