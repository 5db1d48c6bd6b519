using System.Globalization;
using System.Text.Json;
using AftSweep.Transfer.Features;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Features;

/// <summary>`aftsweep features ls [--store ...] [--json]`: the feature sets in a store, with rows, dims, size and status.</summary>
public sealed class FeaturesLsCommand : AsyncCommand<StoreSettings>
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public FeatureCommandServices Services { get; init; } = FeatureCommandServices.Default;

    public override Task<int> ExecuteAsync(CommandContext context, StoreSettings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken);

    public Task<int> RunAsync(StoreSettings settings, CancellationToken cancellationToken) =>
        CliErrors.RunAsync(Services.Error, async () =>
        {
            var (blobs, _) = FeatureStoreOpener.OpenBlobs(settings, Services);
            var sets = new List<FeatureSetSummary>();
            await foreach (var s in new FeatureSetCatalog(blobs).ListAsync(cancellationToken)) sets.Add(s);
            if (settings.Json)
            {
                await Services.Out.WriteLineAsync(JsonSerializer.Serialize(new { store = blobs.Description, sets }, Json));
                return 0;
            }
            var table = new Table().AddColumns("set", "status", "teacher", "dataset", "split", "rows", "dim", "shards", "size", "created");
            foreach (var s in sets)
                table.AddRow(Markup.Escape(s.Key[..Math.Min(12, s.Key.Length)]), Markup.Escape(s.Status), Markup.Escape(s.TeacherSpec ?? "-"),
                    Markup.Escape(s.Dataset ?? "-"), s.Split ?? "-", s.Rows.ToString(CultureInfo.InvariantCulture), s.Dim.ToString(CultureInfo.InvariantCulture),
                    $"{s.Shards}/{s.ShardsTotal}", Size(s.Bytes), s.CreatedUtc?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-");
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Services.Out), Ansi = AnsiSupport.No });
            if (Console.IsOutputRedirected || Services.Out != Console.Out) console.Profile.Width = 200; // a file or pipe: do not wrap rows
            console.WriteLine($"{blobs.Description}: {sets.Count} feature set{(sets.Count == 1 ? "" : "s")}");
            if (sets.Count > 0) console.Write(table);
            foreach (var s in sets.Where(s => s.Problem is not null))
                console.WriteLine($"{s.Key[..Math.Min(12, s.Key.Length)]}: {s.Problem}");
            return 0;
        });

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):F1} KiB",
        _ => $"{bytes} B",
    };
}
