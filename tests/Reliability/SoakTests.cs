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
/// Many short real trials (digits mlp, 1 step) across three working silo processes, one silo (never localhost clustering's primary) killed
/// (SIGKILL) at random and restarted every interval. Reports completed, duplicates and lost (both must be 0) and
/// throughput. Sizes from AFTSWEEP_SOAK_TRIALS (10000), AFTSWEEP_SOAK_KILL_EVERY_S (30), AFTSWEEP_SOAK_SLOTS (2).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SoakTests(ITestOutputHelper log)
{
    [SoakFact]
    public async Task Soak_ManyTrialsWithRandomSiloKills_NoneLostNoneDuplicated()
    {
        var wanted = Setting("AFTSWEEP_SOAK_TRIALS", 10_000);
        var killEvery = TimeSpan.FromSeconds(Setting("AFTSWEEP_SOAK_KILL_EVERY_S", 30));
        var slots = Setting("AFTSWEEP_SOAK_SLOTS", 2);
        using var temp = new TempDirectory("aftsweep-soak-");
        var grid = SoakGrid(temp.Path, wanted, Setting("AFTSWEEP_SOAK_MAX_SEEDS", MaxSeeds));
        // AFTSWEEP_SOAK_CLUSTERING=postgres: clustering, grain state and records in a PostgreSQL server started for the soak;
        // =azure: membership in an Azurite table (state stays in the folder's SQLite database). Either way there is no
        // primary silo and any of the three may be killed; otherwise localhost clustering, whose primary (silo 0) is never killed.
        var clustering = Environment.GetEnvironmentVariable("AFTSWEEP_SOAK_CLUSTERING") ?? "localhost";
        var azurite = clustering == "azure" ? new AzuriteFixture() : null;
        var postgres = clustering == "postgres" ? new PostgresServer() : null;
        await using var stopServices = new Cleanup(async () =>
        {
            if (azurite is not null) await azurite.DisposeAsync();
            if (postgres is not null) await postgres.DisposeAsync();
        });
        if (azurite is not null) await azurite.InitializeAsync();
        string? database = null;
        if (postgres is not null)
        {
            await postgres.InitializeAsync();
            database = await postgres.CreateDatabaseAsync();
            var init = await CliRun.InvokeAsync(["db", "init", "--cluster", $"postgres:{database}"]);
            Assert.True(init.ExitCode == ExitCodes.Ok, init.ToString());
        }
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 2, slotsPerWorker: slots, primaryWorks: true,
            azureConnection: azurite?.ConnectionString, stateOnAzure: false, postgres: database);
        await cluster.StartAllAsync();
        var firstVictim = cluster.HasNoPrimary ? 0 : 1;

        var submit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var sweepId = System.Text.Json.JsonDocument.Parse(submit.Out).RootElement.GetProperty("sweepId").GetString()!;
        var trials = System.Text.Json.JsonDocument.Parse(submit.Out).RootElement.GetProperty("totalTrials").GetInt32();
        Assert.InRange(trials, wanted, wanted + 20);
        var clock = Stopwatch.StartNew();
        var random = new Random(9);
        var kills = 0;
        var limit = TimeSpan.FromSeconds(Setting("AFTSWEEP_SOAK_LIMIT_S", 3600));
        // Kill on the clock, not after each restart: a silo restarts in the background while the next interval runs.
        var restarts = new List<Task>();
        var starting = new HashSet<int>();
        var killLog = new List<string>();
        var load = new List<double> { LoadAverage() };
        while (cluster.RecordCount(sweepId) < trials && clock.Elapsed < limit)
        {
            var next = clock.Elapsed + killEvery;
            while (clock.Elapsed < next && cluster.RecordCount(sweepId) < trials) await Task.Delay(1000);
            load.Add(LoadAverage());
            if (cluster.RecordCount(sweepId) >= trials) break;
            lock (starting)
            {
                var candidates = Enumerable.Range(firstVictim, cluster.Workers + 1 - firstVictim).Where(i => cluster.IsAlive(i) && !starting.Contains(i)).ToList();
                if (candidates.Count == 0) continue;
                var victim = candidates[random.Next(candidates.Count)];
                cluster.Kill(victim);
                starting.Add(victim);
                kills++;
                var line = $"{clock.Elapsed.TotalSeconds:0}s: killed silo {victim} at {cluster.RecordCount(sweepId)} records";
                log.WriteLine(line);
                killLog.Add(line);
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

        load.Add(LoadAverage());

        var records = await cluster.RecordsAsync(sweepId);
        var distinct = records.Select(r => r.Spec.Id).Distinct().Count();
        // A read returns one record per trial, so a trial committed twice would hide there: each record's revision counts
        // its writes (each accepted commit writes its record once).
        var committedTwice = cluster.RecordRewrites(sweepId);
        var duplicates = records.Count - distinct + committedTwice + Math.Max(0, status.Trials.Succeeded - trials);
        var lost = trials - records.Count(r => r.Status == Contracts.Trials.TrialStatus.Succeeded);
        var report = string.Create(CultureInfo.InvariantCulture,
            $"soak: {trials} trials, 3 silos x {slots} slots, {Describe(clustering)}, {kills} kills (every {killEvery.TotalSeconds:0} s): completed {records.Count}, duplicates {duplicates}, lost {lost}, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s, {records.Count / clock.Elapsed.TotalSeconds:0.0} trials/s; status {status.Phase} {status.Trials.Succeeded} succeeded, {status.Trials.Failed} failed; " +
            $"{committedTwice} records written twice; load average (1 min) {load.Min():0.0}-{load.Max():0.0}, mean {load.Average():0.0}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        log.WriteLine(report);
        if (Environment.GetEnvironmentVariable("AFTSWEEP_SOAK_REPORT") is { Length: > 0 } path)
            await File.AppendAllTextAsync(path, string.Join("\n", killLog.Select(k => "  " + k).Prepend(report)) + "\n");

        Assert.Equal(0, duplicates);
        Assert.Equal(0, lost);
        Assert.Equal(trials, status.Trials.Succeeded);
    }

    private static string Describe(string clustering) => clustering switch
    {
        "postgres" => "PostgreSQL clustering, state and records, any silo killed",
        "azure" => "Azure Table clustering and SQLite state, any silo killed",
        _ => "localhost clustering and SQLite state, silo 0 kept",
    };

    private sealed class Cleanup(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }

    /// <summary>A grid may list at most 1000 seeds.</summary>
    private const int MaxSeeds = 1000;

    /// <summary>
    /// At least <paramref name="wanted"/> one-step trials: `stl` over the seeds up to the seed limit; past it `stl` and
    /// `scratch` plus `linear-probe` on K single noise-teacher combos (noise extraction is cheap), each over the seeds,
    /// so 10,000 = 1000 seeds x (2 + 8 combos).
    /// </summary>
    private static string SoakGrid(string folder, int wanted, int maxSeeds)
    {
        if (wanted <= maxSeeds)
            return TinyGrids.Write(folder, $"soak-{wanted}", teachers: new { }, combos: Array.Empty<string[]>(),
                methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: Enumerable.Range(0, wanted).ToArray(), steps: 1);
        var combos = Math.Max(0, (wanted + maxSeeds - 1) / maxSeeds - 2);
        var seeds = (wanted + 2 + combos - 1) / (2 + combos);
        var teachers = Enumerable.Range(0, combos).ToDictionary(i => $"n{i}", i => $"noise:{4 + i}");
        var methods = new Dictionary<string, object> { ["stl"] = new { }, ["scratch"] = new { } };
        if (combos > 0) methods["linear-probe"] = new { };
        return TinyGrids.Write(folder, $"soak-{wanted}", teachers: teachers, combos: teachers.Keys.Select(k => new[] { k }).ToArray(),
            methods: methods, seeds: Enumerable.Range(0, seeds).ToArray(), steps: 1);
    }

    /// <summary>The 1-minute load average (the machine is shared: throughput means little without it); NaN off Linux.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : double.NaN;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
