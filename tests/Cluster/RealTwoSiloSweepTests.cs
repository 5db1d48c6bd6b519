using System.Globalization;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Options;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Workers.Engine;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster;

/// <summary>
/// Issue 5's "done when": a real two-silo sweep (real TorchSharp training through the engine, real feature extraction
/// of a noise teacher, file grain state and records) on a small grid produces the tables with mean and SE.
/// </summary>
public sealed class RealTwoSiloSweepTests
{
    [Fact]
    public async Task Sweep_RealEngineOnTwoSilos_TablesHoldMeanAndSeOfTheRecordsAndEveryTrialRanOnce()
    {
        using var temp = new TempFolder();
        var gridPath = TinyGrids.Write(temp.Path, "two-silo-real",
            teachers: new { noise = "noise:8" },
            combos: new[] { new[] { "noise" } },
            methods: new Dictionary<string, object> { ["stl"] = new { }, ["aft"] = new { lambdas = new[] { 0.1, 1.0 } } },
            seeds: [0, 1, 2], steps: 8);
        var parsed = GridParser.ParseFile(gridPath);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Problems));
        var plan = GridPlanner.Plan(parsed.Spec!);
        Assert.Equal(2 + 3 + 3, plan.TotalTrialCount);

        var log = new CommitLog();
        var engine = new EngineOptions { Store = Path.Combine(temp.Path, "store"), CpuSlots = 1, TorchThreads = 1 };
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2,
            StateFolder = Path.Combine(temp.Path, "state"),
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 1 },
            // Leases long enough that a slow first trial (TorchSharp warming up on a loaded machine) never expires.
            Scheduling = new SchedulingOptions
            {
                LeaseDuration = TimeSpan.FromSeconds(30),
                HeartbeatInterval = TimeSpan.FromMilliseconds(500),
                LongPollWait = TimeSpan.FromMilliseconds(300),
                ExpiryCheckInterval = TimeSpan.FromMilliseconds(500),
                ResyncInterval = TimeSpan.FromSeconds(2),
            },
            ConfigureServices = (_, services) =>
            {
                services.AddAftSweepEngine(engine);
                services.AddSingleton<IWorkerSlotObserver>(log);
            },
        });

        Assert.True((await cluster.Sweeps.SubmitAsync(plan)).Created);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(200),
            cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(8, status.Trials.Succeeded);

        var records = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(Path.Combine(temp.Path, "state"), plan.SweepId)) records.Add(r);

        // Exactly once: one record per planned trial, each from its first attempt, one accepted commit each.
        Assert.Equal(8, records.Count);
        Assert.Equal(8, records.Select(r => r.Spec.Id).Distinct().Count());
        Assert.All(records, r =>
        {
            Assert.Equal(TrialStatus.Succeeded, r.Status);
            Assert.Equal(1, r.Attempts);
            Assert.Equal(1, log.Accepted(r.Spec.Id));
            Assert.InRange(r.Result!.Accuracy, 0, 1);
            Assert.True(r.Result.Steps > 0);
        });
        // Both silos trained: the record names the silo and slot that ran it.
        var silos = records.Select(r => r.Worker!.Split('/')[0]).Distinct().ToList();
        Assert.True(silos.Count == 2, $"trials ran on {string.Join(", ", silos)} only");

        // The results table, as `aftsweep results --format csv` prints it from the cluster, against the records recomputed here.
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(["results", plan.SweepId, "--format", "csv",
            "--cluster", $"localhost:{string.Join(',', cluster.GatewayPorts)}", "--cluster-id", cluster.ClusterId], output);
        Assert.True(code == 0, output.Error.ToString());
        var rows = ParseCsv(output.Out.ToString()!);
        foreach (var cell in plan.Cells)
        {
            var selection = records.Where(r => r.Spec.Stage == TrialStage.Selection && cell.SelectionTrials.Any(t => t.Id == r.Spec.Id)).ToList();
            var chosen = cell.NeedsSelection ? LambdaSelection.ChooseFrom(selection.Select(r => (r.Spec.Lambda!.Value, r.Result!.Accuracy)))!.Lambda : (double?)null;
            var finals = records.Where(r => r.Spec.Stage == TrialStage.Final && r.Spec.Method == cell.Method && r.Spec.ComboKey == cell.ComboKey).ToList();
            Assert.Equal(3, finals.Count);
            Assert.All(finals, f => Assert.Equal(chosen, f.Spec.Lambda));
            Assert.Equal(new[] { 0, 1, 2 }, finals.Select(f => f.Spec.Seed).Order());
            var accuracies = finals.Select(f => f.Result!.Accuracy).ToList();
            var mean = accuracies.Average();
            var sd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1));
            var se = sd / Math.Sqrt(accuracies.Count);

            // stl uses no teacher: its row may repeat under every combo, with the same numbers.
            var row = rows.First(r => r["method"] == cell.Method.NameOf() && (cell.Combo.Count == 0 || r["combo"] == cell.ComboKey));
            Assert.Equal("3", row["n"]);
            Assert.Equal("false", row["flagged"]);
            Assert.Equal(mean, double.Parse(row["mean"], CultureInfo.InvariantCulture), 12);
            Assert.Equal(se, double.Parse(row["se"], CultureInfo.InvariantCulture), 12);
            if (chosen is { } lambda) Assert.Equal(lambda, double.Parse(row["chosen_lambda"], CultureInfo.InvariantCulture));

            var fromStatus = status.Cells.Single(c => c.Key == cell.Key).Result.Final;
            Assert.Equal(mean, fromStatus.Mean, 12);
            Assert.Equal(se, fromStatus.StandardError!.Value, 12);
        }
    }

    private static List<Dictionary<string, string>> ParseCsv(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        // The fields checked here never hold commas (seed and lambda lists use ';').
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
