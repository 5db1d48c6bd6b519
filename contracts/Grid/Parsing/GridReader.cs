using System.Text.Json;
using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>
/// Turns a parsed grid.json document into a <see cref="GridSpec"/>, collecting every problem on the way. One instance
/// reads one document; the sections live in the partial files beside this one.
/// </summary>
internal sealed partial class GridReader(string baseDirectory, GridParserOptions options)
{
    private static readonly string[] TopFields =
        ["$schema", "name", "dataset", "downstream", "teachers", "combos", "methods", "seeds", "training", "selection"];

    private readonly ProblemList _problems = new();

    /// <summary>Known as soon as dataset.kind reads, so teachers and the downstream model can be checked against it.</summary>
    private DatasetKind? _kind;

    /// <summary>Every teacher name defined, including ones whose spec is wrong (so combos don't report them again).</summary>
    private readonly List<string> _teacherNames = [];

    public GridParseResult Read(JsonElement root)
    {
        var top = ObjectReader.Open(root, JsonPath.Root, _problems, TopFields);
        if (top is null) return GridParseResult.Invalid(_problems.Items);

        if (top.Optional("$schema") is { } schema) JsonValues.String(schema, top.PathOf("$schema"), _problems);
        var name = top.Required("name") is { } n ? ReadSafeName(n, "name") : null;
        // dataset first: its kind decides what teachers and downstream models are allowed.
        var dataset = top.Required("dataset") is { } d ? ReadDataset(d, "dataset") : null;
        var downstream = top.Required("downstream") is { } m ? ReadDownstream(m, "downstream") : null;
        var teachers = top.Optional("teachers") is { } t ? ReadTeachers(t, "teachers") : [];
        var combos = top.Optional("combos") is { } c ? ReadCombos(c, "combos") : [];
        var methods = top.Required("methods") is { } ms ? ReadMethods(ms, "methods") : null;
        var seeds = top.Required("seeds") is { } s ? JsonValues.Seeds(s, "seeds", _problems) : null;
        var training = top.Optional("training") is { } tr ? ReadTrainingBlock(tr, "training") : new TrainingConfig();
        var selection = top.Optional("selection") is { } sel ? ReadSelection(sel, "selection") : new SelectionSpec();

        if (methods is not null && combos is { Count: 0 })
        {
            var users = methods.Where(x => x.Info.UsesTeachers).Select(x => x.Info.Name).ToList();
            if (users.Count > 0)
                _problems.Add(top.Has("combos") ? "combos" : JsonPath.Root,
                    $"{string.Join(", ", users)} {(users.Count == 1 ? "uses" : "use")} teachers, so at least one combo is needed (combos: [[\"teacher\"], ...])");
        }

        if (methods is not null && combos is not null && seeds is not null && selection is not null)
        {
            var size = GridSize.Of(methods.Select(x => (x.Info, x.Lambdas.Count)), combos.Count, seeds.Count, selection.Seeds.Count);
            if (size.TotalTrials > options.MaxTrials)
                _problems.Add(JsonPath.Root,
                    $"the grid expands to {size.TotalTrials:N0} trials ({size.SelectionTrials:N0} selection + {size.FinalTrials:N0} final), " +
                    $"more than the cap of {options.MaxTrials:N0}; shrink lambdas, combos or seeds, or raise the cap");
        }

        if (_problems.Count > 0) return GridParseResult.Invalid(_problems.Items);
        return GridParseResult.Valid(new GridSpec
        {
            Name = name!,
            Dataset = dataset!,
            Downstream = downstream!,
            Teachers = teachers!,
            Combos = combos!,
            Methods = methods!,
            Seeds = seeds!,
            Training = training!,
            Selection = selection!,
            BaseDirectory = baseDirectory,
        });
    }

    private string? ReadSafeName(JsonElement e, string path)
    {
        var s = JsonValues.String(e, path, _problems, 200);
        if (s is null) return null;
        if (SafeName.IsValid(s)) return s;
        _problems.Add(path, $"{JsonValues.Quote(s)} is not a valid name: use {SafeName.Rule}");
        return null;
    }

    private string Resolve(string path) => Path.GetFullPath(path, baseDirectory);

    /// <summary>Reports a missing file (with its resolved path) when files are checked.</summary>
    private void CheckFile(string path, string resolved)
    {
        if (!options.CheckFiles || File.Exists(resolved)) return;
        _problems.Add(path, Directory.Exists(resolved) ? $"expected a file but found a folder: {resolved}" : $"file not found: {resolved}");
    }

    private void CheckFolder(string path, string resolved)
    {
        if (!options.CheckFiles || Directory.Exists(resolved)) return;
        _problems.Add(path, File.Exists(resolved) ? $"expected a folder but found a file: {resolved}" : $"folder not found: {resolved}");
    }

    private static string KindName(DatasetKind kind) => kind.ToString().ToLowerInvariant();

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);

    private static MethodInfo? Method(string id) => MethodCatalog.TryGet(id, out var info) ? info : null;
}
