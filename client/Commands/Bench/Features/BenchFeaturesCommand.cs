using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using AftSweep.Client.Commands.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Infra.Storage;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Teachers;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Features;

/// <summary>
/// `aftsweep bench features`: writes a synthetic feature set to the store, then measures shard reads (sha256
/// verified, into one preallocated matrix) from the blob store with no cache, and from a warm local cache;
/// with --grid, also each grid teacher's extraction rows/s. The bench set is deleted afterwards.
/// </summary>
public sealed class BenchFeaturesCommand : AsyncCommand<BenchFeaturesCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--rows <N>")]
        [Description("Rows of the synthetic feature set (default 65536).")]
        public int Rows { get; init; } = 65536;

        [CommandOption("--dim <D>")]
        [Description("Feature width of the synthetic set (default 512: 128 MiB at 65536 rows).")]
        public int Dim { get; init; } = 512;

        [CommandOption("--repeat <N>")]
        [Description("Timed reads of each kind; the best and median are reported (default 5).")]
        public int Repeat { get; init; } = 5;

        [CommandOption("--grid <GRID>")]
        [Description("Also time extraction for each teacher of this grid (needs the real teachers).")]
        public string? Grid { get; init; }

        [CommandOption("--teacher-rows <N>")]
        [Description("Rows of the grid's train split each teacher extracts for the timing (default 256).")]
        public int TeacherRows { get; init; } = 256;

        [CommandOption("--teacher-repeat <N>")]
        [Description("Timed extractions of each teacher; the median and best are reported (default 3).")]
        public int TeacherRepeat { get; init; } = 3;
    }

    public FeatureCommandServices Services { get; init; } = FeatureCommandServices.Default;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken);

    public Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        CliErrors.RunAsync(Services.Error, () => BenchAsync(settings, cancellationToken));

    private async Task<int> BenchAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Rows <= 0) throw new ArgumentException($"--rows: {settings.Rows} must be positive");
        if (settings.Dim is <= 0 or > 65536) throw new ArgumentException($"--dim: {settings.Dim} is out of range (1-65536)");
        if (settings.Repeat is <= 0 or > 100) throw new ArgumentException($"--repeat: {settings.Repeat} is out of range (1-100)");
        if (settings.TeacherRepeat is <= 0 or > 100) throw new ArgumentException($"--teacher-repeat: {settings.TeacherRepeat} is out of range (1-100)");
        if ((long)settings.Rows * settings.Dim > int.MaxValue) throw new ArgumentException("--rows x --dim: too many values for one matrix");

        using var scratch = new ScratchDirectory();
        var location = settings.Store is null && Services.Environment(StoreLocation.EnvironmentVariable) is null
            ? StoreLocation.Local(scratch.Sub("store"))
            : StoreLocation.Resolve(settings.Store, Services.Environment);
        var blobs = BlobStoreFactory.Create(location, new BlobStoreOptions());
        var dataset = SyntheticDataset(settings.Rows);
        var teachers = new SyntheticTeacherFactory();
        var spec = $"noise:{settings.Dim}";
        var report = new Dictionary<string, object> { ["store"] = blobs.Description, ["rows"] = settings.Rows, ["dim"] = settings.Dim };
        var log = settings.Json ? TextWriter.Null : Services.Out;
        await log.WriteLineAsync($"store: {blobs.Description}; synthetic set {settings.Rows} x {settings.Dim} float32; {LoadAverage()}");

        string? setKey = null;
        try
        {
            using (var writer = new FeatureStore(blobs, teachers))
            {
                setKey = writer.KeyFor(spec, dataset, SplitName.Train);
                var clock = Stopwatch.StartNew();
                await writer.GetAsync(spec, dataset, SplitName.Train, null, cancellationToken);
                var mb = Mb((await writer.TryGetManifestAsync(setKey, cancellationToken))!.TotalBytes);
                report["writeMBps"] = Math.Round(mb / clock.Elapsed.TotalSeconds, 1);
                report["setMB"] = Math.Round(mb, 1);
                await log.WriteLineAsync($"write (generate, encode, sha256, store): {mb / clock.Elapsed.TotalSeconds,8:F1} MB/s");
            }

            using (var reader = new FeatureStore(blobs, teachers))
            {
                var rates = await TimeReadsAsync(reader, spec, dataset, settings.Repeat, cancellationToken);
                report["blobReadMBps"] = rates;
                await log.WriteLineAsync($"read from blob store, no cache:          {rates}");
            }

            var cache = new LocalFeatureCache(settings.Cache ?? scratch.Sub("cache"), long.MaxValue / 2);
            using (var cached = new FeatureStore(blobs, teachers, cache: cache))
            {
                await cached.GetAsync(spec, dataset, SplitName.Train, null, cancellationToken); // fill the cache
                var rates = await TimeReadsAsync(cached, spec, dataset, settings.Repeat, cancellationToken);
                var stats = cached.Instruments.Snapshot();
                if (stats.ExtractedRows != 0 || stats.CorruptShards != 0 || stats.CacheHits != (long)(settings.Repeat + WarmupReads) * ShardCount(settings))
                    throw new InvalidOperationException("bench reads were not pure cache reads");
                report["cacheReadMBps"] = rates;
                await log.WriteLineAsync($"read from local cache (sha256 verified): {rates}");
            }

            var hashRate = Sha256Rate(settings.Rows * settings.Dim * sizeof(float));
            report["sha256MBperCpuSecond"] = hashRate;
            await log.WriteLineAsync($"reference: sha256 alone in memory:       {hashRate,8:F1} MB per CPU-second (the bound on verified reads per core)");

            if (settings.Grid is not null) report["teachers"] = await TimeTeachersAsync(settings, log, cancellationToken);
        }
        finally
        {
            if (setKey is not null) await new FeatureSetCatalog(blobs).DeleteAsync(setKey, CancellationToken.None);
        }
        if (settings.Json) await Services.Out.WriteLineAsync(JsonSerializer.Serialize(report));
        return 0;
    }

    /// <summary>
    /// Wall-clock MB/s (best, median) and MB per CPU-second of this process over all reads: on a shared machine
    /// the wall-clock rate depends on the neighbours, the CPU rate is what the code costs.
    /// </summary>
    private static async Task<ReadRates> TimeReadsAsync(FeatureStore store, string spec, LoadedDataset dataset, int repeat,
        CancellationToken cancellationToken)
    {
        var key = store.KeyFor(spec, dataset, SplitName.Train);
        var manifest = await store.TryGetManifestAsync(key, cancellationToken)
            ?? throw new InvalidOperationException($"bench set {key} vanished from the store");
        var buffer = new float[(long)manifest.Rows * manifest.Dim]; // one preallocated matrix, reused by every read
        // Untimed reads first: they fault in the buffer's pages and let the JIT finish tiering the read path up,
        // one-off costs that would otherwise land in the first timed reads (and in the CPU-time figure).
        for (var i = 0; i < WarmupReads; i++)
            if (!await store.TryReadIntoAsync(manifest, buffer, cancellationToken))
                throw new InvalidOperationException("a bench shard failed verification");
        var rates = new List<double>();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        long totalBytes = 0;
        for (var i = 0; i < repeat; i++)
        {
            var before = store.Instruments.Snapshot();
            var clock = Stopwatch.StartNew();
            if (!await store.TryReadIntoAsync(manifest, buffer, cancellationToken))
                throw new InvalidOperationException("a bench shard failed verification");
            var elapsed = clock.Elapsed.TotalSeconds;
            var after = store.Instruments.Snapshot();
            var bytes = after.LocalBytesRead + after.BlobBytesRead - before.LocalBytesRead - before.BlobBytesRead;
            totalBytes += bytes;
            rates.Add(Mb(bytes) / elapsed);
        }
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        rates.Sort();
        return new ReadRates(Math.Round(rates[^1], 1), Math.Round(rates[rates.Count / 2], 1), Math.Round(Mb(totalBytes) / Math.Max(cpu, 1e-6), 1));
    }

    private const int WarmupReads = 3;

    private sealed record ReadRates(double Best, double Median, double PerCpuSecond)
    {
        public override string ToString() => $"best {Best,8:F1} MB/s, median {Median,8:F1} MB/s, {PerCpuSecond,8:F1} MB per CPU-second";
    }

    private async Task<List<object>> TimeTeachersAsync(Settings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var grid = Services.LoadGrid(Path.GetFullPath(settings.Grid!));
        var dataset = Services.Datasets.Load(grid.Dataset, grid.Selection.SplitSeed, cancellationToken);
        var rows = Math.Min(settings.TeacherRows, dataset.Train.Rows);
        var results = new List<object>();
        foreach (var t in grid.Teachers)
        {
            using var teacher = Services.Teachers.Create(t.Spec, grid.BaseDirectory);
            // Warm-up (sessions, JIT) then timed extractions; CPU time alongside wall time, as for reads.
            var runs = await FeatureExtractionBench.MeasureAsync(teacher, dataset, SplitName.Train, rows, settings.TeacherRepeat, cancellationToken: cancellationToken);
            var wall = runs.Select(r => r.RowsPerSecond).Order().ToList();
            var perCpu = runs.Select(r => r.RowsPerCpuSecond).Order().ToList();
            results.Add(new
            {
                teacher = t.Name, spec = t.Spec, rows = runs[0].Rows, repeats = runs.Count,
                rowsPerSecond = Math.Round(Median(wall), 1), bestRowsPerSecond = Math.Round(wall[^1], 1),
                rowsPerCpuSecond = Math.Round(Median(perCpu), 1),
            });
            await log.WriteLineAsync(
                $"extract {t.Name} ({t.Spec}): median {Median(wall),8:F1} rows/s (best {wall[^1]:F1}), {Median(perCpu),8:F1} rows per CPU-second, {runs.Count} x {runs[0].Rows} rows");
        }
        return results;
    }

    private static double Mb(long bytes) => bytes / 1e6;

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>The 1/5/15-minute load averages (Linux), printed with the rates: on a shared machine they say what the wall-clock figures mean.</summary>
    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {fields[0]} {fields[1]} {fields[2]}, {Environment.ProcessorCount} cores";
        }
        catch (IOException) { return $"{Environment.ProcessorCount} cores"; }
        catch (UnauthorizedAccessException) { return $"{Environment.ProcessorCount} cores"; }
    }

    /// <summary>sha256 over a buffer the size of the set, single thread, in MB per CPU-second of this thread's process.</summary>
    private static double Sha256Rate(int bytes)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bytes);
        Random.Shared.NextBytes(buffer);
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        System.Security.Cryptography.SHA256.HashData(buffer);
        System.Security.Cryptography.SHA256.HashData(buffer);
        process.Refresh();
        return Math.Round(Mb(2L * bytes) / Math.Max((process.TotalProcessorTime - before).TotalSeconds, 1e-6), 1);
    }

    private static int ShardCount(Settings s) => (s.Rows + ShardFormat.DefaultShardRows - 1) / ShardFormat.DefaultShardRows;

    private static LoadedDataset SyntheticDataset(int rows)
    {
        var split = new LabeledSplit { Labels = new int[rows] };
        return new LoadedDataset
        {
            Spec = new DatasetSpec
            {
                Name = "bench", Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy,
                Train = new SplitSource(), Test = new SplitSource(),
            },
            // Unique per run, so the first read always extracts and nothing stale is measured.
            Fingerprint = $"bench-{rows}-{Guid.NewGuid():N}",
            Train = split,
            Test = new LabeledSplit { Labels = [] },
            ClassNames = ["0"],
        };
    }

    private sealed class ScratchDirectory : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("aftsweep-bench-").FullName;
        public string Sub(string name) => Path.Combine(_path, name);
        public void Dispose()
        {
            try { Directory.Delete(_path, recursive: true); } catch (IOException) { }
        }
    }
}
