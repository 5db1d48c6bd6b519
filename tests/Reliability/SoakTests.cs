using System.Diagnostics;
using System.Globalization;
using AftSweep.Client.Commands;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AftSweep.Tests.Reliability;

/// <summary>Runs only with AFTSWEEP_SOAK=1 (scripts/soak.sh): hours of work are not for every CI run.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AFTSWEEP_SOAK") != "1") Skip = "soak test: run scripts/soak.sh (sets AFTSWEEP_SOAK=1)";
    }
}

/// <summary>
/// Many short real trials (digits mlp, 1 step) across three working silo processes, one non-primary silo killed
/// (SIGKILL) at random and restarted every interval. Reports completed, duplicates and lost (both must be 0) and
/// throughput. Sizes from AFTSWEEP_SOAK_TRIALS (10000), AFTSWEEP_SOAK_KILL_EVERY_S (30), AFTSWEEP_SOAK_SLOTS (2).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SoakTests(ITestOutputHelper log)
{
    [SoakFact]
    public async Task Soak_ManyTrialsWithRandomSiloKills_NoneLostNoneDuplicated()
    {
        var trials = Setting("AFTSWEEP_SOAK_TRIALS", 10_000);
        var killEvery = TimeSpan.FromSeconds(Setting("AFTSWEEP_SOAK_KILL_EVERY_S", 30));
        var slots = Setting("AFTSWEEP_SOAK_SLOTS", 2);
        using var temp = new TempDirectory("aftsweep-soak-");
        var grid = TinyGrids.Write(temp.Path, $"soak-{trials}", teachers: new { }, combos: Array.Empty<string[]>(),
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: Enumerable.Range(0, trials).ToArray(), steps: 1);
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 2, slotsPerWorker: slots, primaryWorks: true);
        await cluster.StartAllAsync();

        var submit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var sweepId = System.Text.Json.JsonDocument.Parse(submit.Out).RootElement.GetProperty("sweepId").GetString()!;
        var clock = Stopwatch.StartNew();
        var random = new Random(9);
        var kills = 0;
        var limit = TimeSpan.FromSeconds(Setting("AFTSWEEP_SOAK_LIMIT_S", 3600));
        // Kill on the clock, not after each restart: a silo restarts in the background while the next interval runs.
        var restarts = new List<Task>();
        var starting = new HashSet<int>();
        while (cluster.RecordFiles(sweepId) < trials && clock.Elapsed < limit)
        {
            var next = clock.Elapsed + killEvery;
            while (clock.Elapsed < next && cluster.RecordFiles(sweepId) < trials) await Task.Delay(250);
            if (cluster.RecordFiles(sweepId) >= trials) break;
            lock (starting)
            {
                var candidates = Enumerable.Range(1, cluster.Workers).Where(i => cluster.IsAlive(i) && !starting.Contains(i)).ToList();
                if (candidates.Count == 0) continue;
                var victim = candidates[random.Next(candidates.Count)];
                cluster.Kill(victim);
                starting.Add(victim);
                kills++;
                log.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: killed silo {victim} at {cluster.RecordFiles(sweepId)} records");
                restarts.Add(Task.Run(async () =>
                {
                    await cluster.StartAsync(victim);
                    lock (starting) starting.Remove(victim);
                }));
            }
        }
        await Task.WhenAll(restarts);
        var status = await cluster.WaitForCompletionAsync(sweepId, TimeSpan.FromMinutes(5));
        clock.Stop();

        var records = await cluster.RecordsAsync(sweepId);
        var distinct = records.Select(r => r.Spec.Id).Distinct().Count();
        var duplicates = records.Count - distinct + Math.Max(0, status.Trials.Succeeded - trials);
        var lost = trials - records.Count(r => r.Status == Contracts.Trials.TrialStatus.Succeeded);
        var report = string.Create(CultureInfo.InvariantCulture,
            $"soak: {trials} trials, 3 silos x {slots} slots, {kills} kills (every {killEvery.TotalSeconds:0} s): completed {records.Count}, duplicates {duplicates}, lost {lost}, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s, {records.Count / clock.Elapsed.TotalSeconds:0.0} trials/s; status {status.Phase} {status.Trials.Succeeded} succeeded, {status.Trials.Failed} failed");
        log.WriteLine(report);
        if (Environment.GetEnvironmentVariable("AFTSWEEP_SOAK_REPORT") is { Length: > 0 } path) await File.AppendAllTextAsync(path, report + "\n");

        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.Equal(trials, status.Trials.Succeeded);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
