using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Features;

/// <summary>`aftsweep features extract --grid GRID [--teacher NAME]`: makes sure every feature set the grid needs is in the store.</summary>
public sealed class FeaturesExtractCommand : AsyncCommand<FeaturesExtractCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--grid <GRID>")]
        [Description("The grid file whose teachers and dataset to extract.")]
        public string? Grid { get; init; }

        [CommandOption("--teacher <NAME>")]
        [Description("Only this teacher (a name from the grid's \"teachers\"); repeatable. Default: every teacher a combo uses.")]
        public string[] Teachers { get; init; } = [];
    }

    public FeatureCommandServices Services { get; init; } = FeatureCommandServices.Default;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken);

    public Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        CliErrors.RunAsync(Services.Error, () => ExtractAsync(settings, cancellationToken));

    /// <summary>The grid's teachers to extract: those named, else every teacher some combo uses, in file order.</summary>
    public static IReadOnlyList<TeacherRef> TeachersToExtract(GridSpec grid, IReadOnlyList<string> names)
    {
        foreach (var name in names)
            if (grid.Teachers.All(t => t.Name != name))
                throw new ArgumentException($"--teacher {name}: the grid has no teacher '{name}' (it has: {string.Join(", ", grid.Teachers.Select(t => t.Name))})");
        var used = names.Count > 0 ? names.ToHashSet() : grid.Combos.SelectMany(c => c).ToHashSet();
        return grid.Teachers.Where(t => used.Contains(t.Name)).ToList();
    }

    private async Task<int> ExtractAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Grid)) throw new ArgumentException("--grid: required (the grid file to extract features for)");
        var grid = Services.LoadGrid(Path.GetFullPath(settings.Grid));
        var teachers = TeachersToExtract(grid, settings.Teachers);
        var dataset = Services.Datasets.Load(grid.Dataset, grid.Selection.SplitSeed, cancellationToken);
        using var store = FeatureStoreOpener.OpenStore(settings, Services, Services.Teachers, grid.BaseDirectory);
        if (!settings.Json) await Services.Error.WriteLineAsync($"store: {store.BlobStore.Description}");

        var jobs = teachers.SelectMany(t => new[] { SplitName.Train, SplitName.Test }.Select(s => (Teacher: t, Split: s))).ToList();
        var results = new List<object>();
        foreach (var (teacher, split) in jobs)
        {
            var label = $"{teacher.Name} {FeatureSetKey.SplitText(split)}";
            var before = store.Instruments.Snapshot();
            var clock = Stopwatch.StartNew();
            var features = await WithProgressAsync(label, progress =>
                store.GetAsync(teacher.Spec, dataset, split, progress, cancellationToken), settings.Json);
            var after = store.Instruments.Snapshot();
            var extracted = after.ExtractedRows - before.ExtractedRows;
            var key = store.KeyFor(teacher.Spec, dataset, split);
            results.Add(new
            {
                teacher = teacher.Name, spec = teacher.Spec, split = FeatureSetKey.SplitText(split), key,
                rows = features.Rows, dim = features.Dim, extractedRows = extracted, seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            });
            if (!settings.Json)
                await Services.Out.WriteLineAsync(
                    $"{label}: {features.Rows} x {features.Dim} ({(extracted == 0 ? "already stored" : $"extracted {extracted} rows")}) in {clock.Elapsed.TotalSeconds:F1} s  [{key[..12]}]");
        }
        if (settings.Json) await Services.Out.WriteLineAsync(JsonSerializer.Serialize(new { store = store.BlobStore.Description, sets = results }));
        return 0;
    }

    private async Task<T> WithProgressAsync<T>(string label, Func<IProgress<FeatureProgress>, Task<T>> work, bool quiet)
    {
        if (quiet) return await work(new LineProgress(TextWriter.Null, label));
        if (!Services.Interactive) return await work(new LineProgress(Services.Error, label));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Services.Error) });
        T result = default!;
        await console.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var task = ctx.AddTask(label, maxValue: 1);
            result = await work(new SpectreProgress(task));
        });
        return result;
    }

    /// <summary>One line per finished shard, for logs and CI.</summary>
    private sealed class LineProgress(TextWriter writer, string label) : IProgress<FeatureProgress>
    {
        private int _lastShard = -1;

        public void Report(FeatureProgress p)
        {
            if (p.ShardsDone == _lastShard || p.ShardsTotal <= 0) return;
            _lastShard = p.ShardsDone;
            lock (writer) writer.WriteLine($"{label}: {p.Phase.ToString().ToLowerInvariant()} {p.RowsDone}/{p.RowsTotal} rows, shard {p.ShardsDone}/{p.ShardsTotal}");
        }
    }

    private sealed class SpectreProgress(ProgressTask task) : IProgress<FeatureProgress>
    {
        public void Report(FeatureProgress p)
        {
            task.MaxValue = Math.Max(1, p.RowsTotal);
            task.Value = p.RowsDone;
            task.Description = $"{p.Phase.ToString().ToLowerInvariant()} {p.TeacherSpec} {p.Split}";
        }
    }
}
