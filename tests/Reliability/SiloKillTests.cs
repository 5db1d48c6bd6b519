using System.Diagnostics;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// kill -9 of real silo processes running the real engine on a tiny digits grid (noise teacher, so every trial with a
/// teacher first extracts features into the store): mid feature extraction, mid trial, mid results write, and the
/// whole cluster at once. The sweep completes with every trial recorded exactly once, and nothing finished is re-run.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SiloKillTests
{
    private static readonly TimeSpan SweepLimit = TimeSpan.FromSeconds(120);

    private static string Grid(string folder, string name, int steps) => TinyGrids.Write(folder, name,
        teachers: new { noise = "noise:512" }, combos: new[] { new[] { "noise" } },
        methods: new Dictionary<string, object> { ["stl"] = new { }, ["kd"] = new { lambdas = new[] { 1.0 } } },
        seeds: [0, 1, 2], steps: steps);

    [Fact]
    public async Task KillWorker_MidExtractionMidTrialAndMidWrite_SweepCompletesEveryTrialOnce()
    {
        using var temp = new TempDirectory("aftsweep-rel-");
        var grid = Grid(temp.Path, "rel-kill", steps: 200);
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 1, slotsPerWorker: 2);
        await cluster.StartAllAsync();

        var submit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var sweepId = System.Text.Json.JsonDocument.Parse(submit.Out).RootElement.GetProperty("sweepId").GetString()!;
        var total = System.Text.Json.JsonDocument.Parse(submit.Out).RootElement.GetProperty("totalTrials").GetInt32();

        // 1. Mid feature extraction: the first shard of the teacher's features has landed in the store.
        await ProcessCluster.WaitUntilAsync(() => Directory.Exists(cluster.Store) && Directory.EnumerateFiles(cluster.Store, "*", SearchOption.AllDirectories).Any(), "feature extraction to start");
        cluster.Kill(1);
        await cluster.StartAsync(1);

        // 2. Mid trial and mid results write: records are being written, trials are running.
        await ProcessCluster.WaitUntilAsync(() => cluster.RecordCount(sweepId) >= 2, "the first results", SweepLimit);
        cluster.Kill(1);
        await cluster.StartAsync(1);

        var status = await cluster.WaitForCompletionAsync(sweepId, SweepLimit);

        Assert.True(status.Phase == SweepPhase.Completed, $"{status.Phase}: {status.Trials}\n{cluster.Output(1)}");
        Assert.Equal(total, status.Trials.Succeeded);
        var records = await cluster.RecordsAsync(sweepId);
        Assert.Equal(total, records.Count);
        Assert.Equal(total, records.Select(r => r.Spec.Id).Distinct().Count());
        Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
        // Every record was written once (a trial committed twice would have rewritten its record), and every record says
        // what its trial's state says: they commit in one transaction.
        Assert.Equal(0, cluster.RecordRewrites(sweepId));
        Assert.Equal(0, cluster.TrialsWhoseStateAndRecordDisagree(sweepId));
        // Every blob key is a hash (plus fixed suffixes): no grid, dataset or teacher name reaches the store.
        var keys = Directory.EnumerateFiles(cluster.Store, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(cluster.Store, f)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Matches("^[a-z0-9]+(/[a-z0-9][a-z0-9._-]*)*$", k.Replace('\\', '/')));
        Assert.All(keys, k => Assert.DoesNotContain("rel-kill", k));
    }

    [Fact]
    public async Task ClientKilledDuringSubmit_ThenFullClusterRestartMidSweep_NoDuplicatesAndNoFinishedTrialRerun()
    {
        using var temp = new TempDirectory("aftsweep-rel-");
        var grid = Grid(temp.Path, "rel-restart", steps: 200);
        var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 1, slotsPerWorker: 2);
        try
        {
            await cluster.StartAllAsync();

            // The client process dies (SIGKILL) while submitting; the same grid submitted again is the same sweep.
            await KillClientDuringSubmitAsync(grid, cluster.Target);
            var again = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
            Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
            var json = System.Text.Json.JsonDocument.Parse(again.Out).RootElement;
            var sweepId = json.GetProperty("sweepId").GetString()!;
            var total = json.GetProperty("totalTrials").GetInt32();

            await ProcessCluster.WaitUntilAsync(() => cluster.RecordCount(sweepId) >= 2, "a few trials to finish", SweepLimit);
            cluster.Kill(1);
            cluster.Kill(0);
            var finished = (await cluster.RecordsAsync(sweepId)).ToDictionary(r => r.Spec.Id, TrialRecordJson.Serialize);
            Assert.InRange(finished.Count, 2, total - 1);

            await cluster.StartAllAsync();
            var resubmit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
            Assert.True(resubmit.ExitCode == ExitCodes.Ok, resubmit.ToString());
            Assert.False(System.Text.Json.JsonDocument.Parse(resubmit.Out).RootElement.GetProperty("created").GetBoolean());
            var status = await cluster.WaitForCompletionAsync(sweepId, SweepLimit);

            Assert.Equal(SweepPhase.Completed, status.Phase);
            Assert.Equal(total, status.Trials.Total);
            Assert.Equal(total, status.Trials.Succeeded);
            var records = await cluster.RecordsAsync(sweepId);
            Assert.Equal(total, records.Count);
            Assert.Equal(total, records.Select(r => r.Spec.Id).Distinct().Count());
            // A finished trial re-run would rewrite its record (new wall time, new attempt): the bytes are unchanged.
            var after = records.ToDictionary(r => r.Spec.Id, TrialRecordJson.Serialize);
            Assert.All(finished, f => Assert.Equal(f.Value, after[f.Key]));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task KillClientDuringSubmitAsync(string grid, string[] target)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "aftsweep.dll"), "submit", grid }.Concat(target)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        // Long enough to be connecting or submitting, short enough to die before it prints the id.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

/// <summary>Tests that start real silo processes or Azurite run one at a time (2 shared cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability processes";
}
