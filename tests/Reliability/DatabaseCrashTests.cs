using System.Diagnostics;
using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// kill -9 of real silo processes on the real databases: mid-commit (the process kills itself between a trial commit's
/// statements and its COMMIT, and right after a COMMIT before anyone is told), and mid-trial. SQLite: the embedded
/// layout (one silo process on a state folder's aftsweep.db). PostgreSQL: two silo processes, PostgreSQL clustering,
/// grain state and records (the two-machine layout, on one machine). Afterwards every trial has exactly one record,
/// every record parses and agrees with its trial's state, nothing finished was re-run. And PostgreSQL stopped for 20 s
/// mid-sweep and started again: the sweep completes the same way.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DatabaseCrashTests(PostgresServer server, ITestOutputHelper log) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan SweepLimit = TimeSpan.FromSeconds(180);
    // Five deaths in a few seconds may cost one trial more than the default three attempts: the attempt limit is not what
    // these tests are about.
    private static readonly string[] Normal = ["--max-attempts", "10"];
    private static readonly string[] DieBeforeCommit = [.. Normal, "--FaultInjection:KillAtCommit=BeforeCommit", "--FaultInjection:AfterRecordCommits=2"];
    private static readonly string[] DieAfterCommit = [.. Normal, "--FaultInjection:KillAtCommit=AfterCommit", "--FaultInjection:AfterRecordCommits=1"];

    private static string Grid(string folder, string name) => TinyGrids.Write(folder, name,
        teachers: new { noise = "noise:64" }, combos: new[] { new[] { "noise" } },
        methods: new Dictionary<string, object> { ["stl"] = new { }, ["kd"] = new { lambdas = new[] { 1.0 } } },
        seeds: [0, 1, 2, 3, 4], steps: 300);

    [Fact]
    public async Task Sqlite_KillMidCommitAndMidTrial_EveryTrialRecordedOnceAndConsistent()
    {
        using var temp = new TempDirectory("aftsweep-crash-");
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 0, slotsPerWorker: 2, primaryWorks: true);
        await RunCrashScenarioAsync(cluster, Grid(temp.Path, "crash-sqlite"));
    }

    [Fact]
    public async Task Postgres_TwoSiloProcesses_KillMidCommitAndMidTrial_EveryTrialRecordedOnceAndConsistent()
    {
        using var temp = new TempDirectory("aftsweep-crash-");
        var database = await InitAsync();
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 1, slotsPerWorker: 2, primaryWorks: true, postgres: database);
        await RunCrashScenarioAsync(cluster, Grid(temp.Path, "crash-postgres"));
    }

    [Fact]
    public async Task Postgres_Down20SecondsMidSweep_SweepCompletesEveryTrialOnce()
    {
        using var temp = new TempDirectory("aftsweep-crash-");
        var database = await InitAsync();
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 1, slotsPerWorker: 2, postgres: database);
        await cluster.StartAllAsync();
        var (sweepId, total) = await SubmitAsync(cluster, Grid(temp.Path, "outage-postgres"));

        var clock = Stopwatch.StartNew();
        while (cluster.RecordCount(sweepId) < 2 || (await RunningTrialsAsync(cluster, sweepId)) == 0)
        {
            Assert.True(clock.Elapsed < SweepLimit, $"no records and running trials after {SweepLimit.TotalSeconds} s\n{cluster.Output(1)}");
            await Task.Delay(200);
        }
        var before = cluster.RecordCount(sweepId);
        Assert.True(before < total, $"the sweep finished ({before}/{total}) before the outage could hit it");
        await server.StopAsync();
        log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: PostgreSQL stopped at {before}/{total} records");
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.False(cluster.HasDied(0) || cluster.HasDied(1), $"a silo died during the outage\n--- silo 0\n{cluster.Output(0)}\n--- silo 1\n{cluster.Output(1)}");
        await server.StartAsync();
        log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: PostgreSQL started again");

        var status = await cluster.WaitForCompletionAsync(sweepId, SweepLimit);
        log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: sweep {status.Phase}: {status.Trials.Succeeded} succeeded, {status.Trials.Failed} failed");
        await AssertEveryTrialOnceAsync(cluster, sweepId, total, status);
    }

    /// <summary>
    /// Every working silo starts set to die before committing its second batch of trial records; once a record is in,
    /// one working silo is killed mid trial. Each silo that dies restarts set to die at the commit point not yet seen
    /// (right after a commit, once one died before a commit), then normally. After each death the records and the trial
    /// states must agree.
    /// </summary>
    private async Task RunCrashScenarioAsync(ProcessCluster cluster, string grid)
    {
        var working = Enumerable.Range(cluster.PrimaryWorks ? 0 : 1, cluster.PrimaryWorks ? cluster.Workers + 1 : cluster.Workers).ToList();
        for (var silo = 0; silo <= cluster.Workers; silo++) await cluster.StartAsync(silo, working.Contains(silo) ? DieBeforeCommit : Normal);
        var (sweepId, total) = await SubmitAsync(cluster, grid);
        var clock = Stopwatch.StartNew();

        var seen = new HashSet<string>();
        string[] Next() => !seen.Contains("BeforeCommit") ? DieBeforeCommit : !seen.Contains("AfterCommit") ? DieAfterCommit : Normal;
        while (!(seen.Contains("BeforeCommit") && seen.Contains("AfterCommit") && seen.Contains("mid trial")))
        {
            Assert.True(clock.Elapsed < SweepLimit, $"not every crash happened within {SweepLimit.TotalSeconds} s (seen: {string.Join(", ", seen)})\n{cluster.Output(working[0])}");
            Assert.True(cluster.RecordCount(sweepId) < total, $"the sweep finished before every crash happened (seen: {string.Join(", ", seen)})");
            // Mid trial first, as soon as a record is in: the sweep must not finish before it happened.
            if (!seen.Contains("mid trial") && cluster.RecordCount(sweepId) >= 1 && working.Any(w => !cluster.HasDied(w)))
            {
                // Mid trial: SIGKILL while the slots train the trials after the first one.
                await Task.Delay(200);
                var victim = working.LastOrDefault(s => !cluster.HasDied(s), -1);
                if (victim < 0) continue;
                cluster.Kill(victim);
                seen.Add("mid trial");
                Assert.Equal(0, cluster.TrialsWhoseStateAndRecordDisagree(sweepId));
                log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: killed silo {victim} mid trial at {cluster.RecordCount(sweepId)}/{total} records, states agree");
                await cluster.StartAsync(victim, Next());
            }
            else if (working.FirstOrDefault(s => cluster.HasDied(s), -1) is var died && died >= 0)
            {
                var output = cluster.Output(died);
                var point = output.Contains("at BeforeCommit", StringComparison.Ordinal) ? "BeforeCommit" : output.Contains("at AfterCommit", StringComparison.Ordinal) ? "AfterCommit" : null;
                Assert.True(point is not null, $"silo {died} died without the fault injection killing it\n{output}");
                seen.Add(point);
                // Whatever the crash interrupted, a record and its trial's finished state are both there or both missing.
                Assert.Equal(0, cluster.TrialsWhoseStateAndRecordDisagree(sweepId));
                log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: silo {died} killed itself at {point}; {cluster.RecordCount(sweepId)}/{total} records, states agree");
                cluster.Forget(died);
                await cluster.StartAsync(died, Next());
            }
            else
            {
                await Task.Delay(100);
            }
        }

        // The other silos may still carry their first fault: restart any that dies with none.
        using var stop = new CancellationTokenSource();
        var keeper = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var silo in working.Where(cluster.HasDied).ToList())
                {
                    log.WriteLine($"silo {silo} died again ({(cluster.Output(silo).Contains("fault injection", StringComparison.Ordinal) ? "its fault injection" : "unexpectedly")}): restarting it");
                    cluster.Forget(silo);
                    await cluster.StartAsync(silo, Normal);
                }
                await Task.Delay(200);
            }
        });
        var status = await cluster.WaitForCompletionAsync(sweepId, SweepLimit);
        await stop.CancelAsync();
        await keeper;
        log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: sweep {status.Phase}: {status.Trials.Succeeded} succeeded, {status.Trials.Failed} failed");

        var records = await AssertEveryTrialOnceAsync(cluster, sweepId, total, status);
        // The commit killed before COMMIT was lost with its process: that trial ran again (its lease lost or expired).
        Assert.Contains(records, r => r.Attempts >= 2 && r.Errors.Any(e => e.Contains("lease", StringComparison.Ordinal)));
    }

    private static async Task<List<TrialRecord>> AssertEveryTrialOnceAsync(ProcessCluster cluster, string sweepId, int total, SweepStatus status)
    {
        Assert.True(status.Phase == SweepPhase.Completed, $"{status.Phase}: {status.Trials}");
        var failed = (await cluster.RecordsAsync(sweepId)).Where(r => r.Status != TrialStatus.Succeeded).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Select(r => $"trial {r.Spec.Id}: {r.Status} after {r.Attempts}: {string.Join(" | ", r.Errors)}")));
        Assert.Equal(total, status.Trials.Succeeded);
        Assert.Equal(0, status.Trials.Failed);
        var records = await cluster.RecordsAsync(sweepId); // parses every record: a torn one would throw
        Assert.Equal(total, records.Count);
        Assert.Equal(total, records.Select(r => r.Spec.Id).Distinct().Count());
        Assert.All(records, r => Assert.True(r.Status == TrialStatus.Succeeded && r.Result is not null && double.IsFinite(r.Result.Accuracy), $"trial {r.Spec.Id}: {r.Status}"));
        // No record was written twice (a trial committed twice), and records and trial states agree.
        Assert.Equal(0, cluster.RecordRewrites(sweepId));
        Assert.Equal(0, cluster.TrialsWhoseStateAndRecordDisagree(sweepId));
        return records;
    }

    private async Task<string> InitAsync()
    {
        var database = await server.CreateDatabaseAsync();
        var init = await CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{database}");
        Assert.True(init.ExitCode == ExitCodes.Ok, init.ToString());
        return database;
    }

    private static async Task<(string SweepId, int Total)> SubmitAsync(ProcessCluster cluster, string grid)
    {
        var submit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var json = JsonDocument.Parse(submit.Out).RootElement;
        return (json.GetProperty("sweepId").GetString()!, json.GetProperty("totalTrials").GetInt32());
    }

    private static async Task<int> RunningTrialsAsync(ProcessCluster cluster, string sweepId)
    {
        var trials = await CliRun.InvokeAsync(["trials", sweepId, "--json", .. cluster.Target]);
        return trials.ExitCode != ExitCodes.Ok ? 0 : JsonDocument.Parse(trials.Out).RootElement.EnumerateArray()
            .Count(t => t.GetProperty("state").GetString() is "running" or "leased");
    }
}
