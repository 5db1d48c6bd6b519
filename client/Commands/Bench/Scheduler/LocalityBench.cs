using System.Diagnostics;
using System.Globalization;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands.Bench.Features;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Options;
using AftSweep.Infra.Storage;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Training;
using AftSweep.Workers.Engine;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// `aftsweep bench scheduler --locality`: placement by feature locality, measured. K teachers' feature sets (train and
/// test each) are extracted into a shared blob store; each silo reads them through its own feature store and local
/// cache, sized so that all sets together are larger than one silo's cache (but fit in the silos' caches together).
/// Every trial reads its teacher's two sets; trial i uses teacher i mod K, in queue order (cells of other teachers
/// interleave, as in a sweep over several combos). The same sweep runs twice on fresh caches: FIFO placement (slots
/// report no cache) and placement by locality (slots report their silo's cache); the shard cache-hit rate is the result.
/// </summary>
public static class LocalityBench
{
    public const int Dim = 64;

    public sealed record Options(int Trials, int Silos, int Slots, int FeatureSets, double SetMb, double CacheMb, TimeSpan LocalityWait);

    public static async Task<LocalityBenchResult> RunAsync(Options options, string folder, CancellationToken cancellationToken)
    {
        var rows = Math.Max(1, (int)(options.SetMb * (1 << 20) / (4.0 * Dim)));
        var dataset = Dataset(rows);
        var teachers = Enumerable.Range(0, options.FeatureSets).Select(i => new TeacherRef($"t{i}", $"noise:{Dim}?seed={i}")).ToList();
        var blobs = new LocalFolderBlobStore(Path.Combine(folder, "store"));
        long totalBytes = 0;
        using (var writer = new FeatureStore(blobs, new SyntheticTeacherFactory()))
        {
            foreach (var teacher in teachers)
                foreach (var split in new[] { SplitName.Train, SplitName.Test })
                {
                    await writer.GetAsync(teacher, dataset, split, null, cancellationToken);
                    totalBytes += (await writer.TryGetManifestAsync(writer.KeyFor(teacher, dataset, split), cancellationToken))!.TotalBytes;
                }
        }
        var cacheBytes = (long)(options.CacheMb * (1 << 20));
        var fifo = await RunModeAsync(options, folder, "fifo", locality: false, blobs, dataset, teachers, cacheBytes, cancellationToken);
        var local = await RunModeAsync(options, folder, "locality", locality: true, blobs, dataset, teachers, cacheBytes, cancellationToken);
        return new LocalityBenchResult(options.Trials, options.Silos, options.Slots, options.FeatureSets * 2, totalBytes / (double)(1 << 20),
            options.CacheMb, options.LocalityWait.TotalSeconds, fifo, local);
    }

    private static async Task<LocalityModeResult> RunModeAsync(Options options, string folder, string name, bool locality, LocalFolderBlobStore blobs,
        LoadedDataset dataset, IReadOnlyList<TeacherRef> teachers, long cacheBytes, CancellationToken cancellationToken)
    {
        var stores = Enumerable.Range(0, options.Silos)
            .Select(i => new FeatureStore(blobs, new SyntheticTeacherFactory(), cache: new LocalFeatureCache(Path.Combine(folder, $"{name}-cache{i}"), cacheBytes)))
            .ToList();
        var ran = new int[options.Silos];
        try
        {
            var scheduling = new SchedulingOptions { LongPollWait = TimeSpan.FromSeconds(1), LocalityWait = options.LocalityWait };
            await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
            {
                Silos = options.Silos,
                StateFolder = Path.Combine(folder, $"{name}-state"),
                Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = options.Slots },
                Scheduling = scheduling,
                ConfigureServices = (i, services) =>
                {
                    services.AddSingleton<ITrialExecutor>(new FeatureReadingExecutor(stores[i], dataset, () => Interlocked.Increment(ref ran[i])));
                    services.AddSingleton<IFeatureCacheProbe>(locality ? new FeatureStoreCacheProbe(stores[i]) : new NoFeatureCache());
                },
            }, cancellationToken);

            var plan = Plan(options.Trials, teachers, Guid.NewGuid().ToString("N"));
            var clock = Stopwatch.StartNew();
            await cluster.Sweeps.SubmitAsync(plan);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            var stats = stores.Select(s => s.Instruments.Snapshot()).ToList();
            var hits = stats.Sum(s => s.CacheHits);
            var misses = stats.Sum(s => s.CacheMisses);
            return new LocalityModeResult(name, seconds, options.Trials / seconds, hits, misses, hits + misses == 0 ? 0 : hits / (double)(hits + misses),
                stats.Sum(s => s.BlobBytesRead) / (double)(1 << 20), ran.ToList(),
                status.Phase == SweepPhase.Completed && status.Trials.Succeeded == options.Trials);
        }
        finally
        {
            foreach (var store in stores) store.Dispose();
        }
    }

    /// <summary>One selection trial per cell, cell i on teacher i mod K: the queue interleaves the teachers.</summary>
    private static SweepPlan Plan(int trials, IReadOnlyList<TeacherRef> teachers, string nonce)
    {
        var dataset = SchedulerBenchPlan.Dataset("bench-locality");
        var cells = Enumerable.Range(0, trials).Select(i =>
        {
            var teacher = teachers[i % teachers.Count];
            var spec = SchedulerBenchPlan.SelectionTrial(SchedulerBenchPlan.Hash($"{nonce}|{i}"), 1, teacher, i, dataset, DatasetFingerprint);
            return new CellPlan { Key = $"aft|{teacher.Name}#{i}", Method = MethodId.Aft, Combo = [teacher], SelectionTrials = [spec], FinalSeeds = [], FinalTemplate = spec };
        }).ToList();
        var grid = SchedulerBenchPlan.Grid($"bench-locality-{nonce}", dataset, teachers, [1]);
        return new SweepPlan { SweepId = SchedulerBenchPlan.Hash($"sweep|{nonce}"), Grid = grid, DatasetFingerprint = DatasetFingerprint, Cells = cells };
    }

    private const string DatasetFingerprint = "bench-locality-dataset";

    private static LoadedDataset Dataset(int rows) => new()
    {
        Spec = new DatasetSpec { Name = "bench-locality", Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy, Train = new SplitSource(), Test = new SplitSource() },
        Fingerprint = DatasetFingerprint,
        Train = new LabeledSplit { Labels = new int[rows] },
        Test = new LabeledSplit { Labels = new int[rows] },
        ClassNames = ["0"],
    };

    /// <summary>A trial that reads its teachers' train and test features through its silo's feature store, and trains nothing.</summary>
    private sealed class FeatureReadingExecutor(FeatureStore store, LoadedDataset dataset, Action ran) : ITrialExecutor
    {
        private readonly NoOpExecutor _result = new();

        public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
        {
            foreach (var teacher in spec.Combo)
                foreach (var split in new[] { SplitName.Train, SplitName.Test })
                    await store.GetAsync(teacher, dataset, split, cancellationToken);
            ran();
            return await _result.ExecuteAsync(spec, progress, cancellationToken);
        }
    }
}

public sealed record LocalityModeResult(string Mode, double Seconds, double TrialsPerSecond, long CacheHits, long CacheMisses, double HitRate,
    double BlobMbRead, IReadOnlyList<int> TrialsPerSilo, bool Completed);

public sealed record LocalityBenchResult(int Trials, int Silos, int SlotsPerSilo, int FeatureSets, double FeatureMb, double CacheMbPerSilo,
    double LocalityWaitSeconds, LocalityModeResult Fifo, LocalityModeResult Locality)
{
    public bool Completed => Fifo.Completed && Locality.Completed;

    public string ToText()
    {
        static string Line(LocalityModeResult m) => string.Create(CultureInfo.InvariantCulture,
            $"  {m.Mode,-9} cache hits {m.HitRate * 100,5:0.0} % ({m.CacheHits} of {m.CacheHits + m.CacheMisses} shard reads), {m.BlobMbRead,7:0.0} MB from the blob store, {m.TrialsPerSecond,6:0.0} trials/s, trials per silo {string.Join("/", m.TrialsPerSilo)}{(m.Completed ? "" : "  NOT COMPLETED")}");
        return string.Create(CultureInfo.InvariantCulture,
            $"locality bench: {Trials} trials, {Silos} silos x {SlotsPerSilo} slot(s), {FeatureSets} feature sets of {FeatureMb / FeatureSets:0.0} MB ({FeatureMb:0.0} MB in all), local cache {CacheMbPerSilo:0.0} MB per silo, locality wait {LocalityWaitSeconds:0.###} s")
            + "\n" + Line(Fifo) + "\n" + Line(Locality);
    }
}
