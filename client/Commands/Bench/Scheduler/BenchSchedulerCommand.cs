using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Options;
using AftSweep.Infra.Orleans;
using AftSweep.Transfer.Training;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// `aftsweep bench scheduler`: K in-process silos, N no-op trials through the full path (lease, heartbeat, commit, state
/// and record writes, sweep aggregation). State in a SQLite database in a temp dir (`--state sqlite`), or in a fresh
/// schema of the PostgreSQL database $AFTSWEEP_POSTGRES names, clustering included (`--state postgres`; the schema is
/// dropped afterwards).
/// </summary>
public sealed class BenchSchedulerCommand : AsyncCommand<BenchSchedulerCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--trials <N>")]
        [Description("No-op trials to schedule (default 2000).")]
        public int Trials { get; init; } = 2000;

        [CommandOption("--silos <K>")]
        [Description("In-process silos, 1-16 (default 2).")]
        public int Silos { get; init; } = 2;

        [CommandOption("--slots <S>")]
        [Description("Worker slots per silo (default 4).")]
        public int Slots { get; init; } = 4;

        [CommandOption("--state <STORE>")]
        [Description("Where grain state and records go: sqlite (default; a temp folder) or postgres (clustering too; a fresh schema in the database $AFTSWEEP_POSTGRES names, dropped afterwards).")]
        public string State { get; init; } = "sqlite";

        [CommandOption("--fsync")]
        [Description("SQLite: fsync every commit batch (survives power loss, not only a process crash). PostgreSQL commits follow the server's settings (by default flushed on every commit).")]
        public bool Fsync { get; init; }

        [CommandOption("--json")]
        [Description("Machine-readable output.")]
        public bool Json { get; init; }

        [CommandOption("--locality")]
        [Description("Measure placement by feature locality instead: trials that read real feature sets through each silo's local cache, once with FIFO placement and once by locality; reports the cache-hit rate of each (SQLite state).")]
        public bool Locality { get; init; }

        [CommandOption("--feature-sets <K>")]
        [Description("--locality: teachers, each with a train and a test set (default 8, so 16 sets).")]
        public int FeatureSets { get; init; } = 8;

        [CommandOption("--set-mb <MB>")]
        [Description("--locality: size of one feature set in MB (default 2).")]
        public double SetMb { get; init; } = 2;

        [CommandOption("--cache-mb <MB>")]
        [Description("--locality: each silo's local cache in MB (default: 60% of all feature sets, so they do not fit in one silo's cache but fit in two).")]
        public double? CacheMb { get; init; }

        [CommandOption("--locality-wait <MS>")]
        [Description("--locality: how long a trial is kept for the silo that holds its sets, in milliseconds (default 2000, the silo default).")]
        public int LocalityWaitMs { get; init; } = 2000;

        public override Spectre.Console.ValidationResult Validate() =>
            Trials < 1 ? Spectre.Console.ValidationResult.Error($"--trials: must be at least 1, got {Trials}")
            : Locality && Silos < 2 ? Spectre.Console.ValidationResult.Error($"--silos: --locality needs at least 2 silos, got {Silos}")
            : FeatureSets is < 1 or > 1000 ? Spectre.Console.ValidationResult.Error($"--feature-sets: must be 1-1000, got {FeatureSets}")
            : SetMb is not (> 0 and <= 1024) ? Spectre.Console.ValidationResult.Error($"--set-mb: must be above 0 and at most 1024, got {SetMb}")
            : CacheMb is <= 0 ? Spectre.Console.ValidationResult.Error($"--cache-mb: must be positive, got {CacheMb}")
            : LocalityWaitMs is < 0 or > 600_000 ? Spectre.Console.ValidationResult.Error($"--locality-wait: must be 0-600000 ms, got {LocalityWaitMs}")
            : Locality && State != "sqlite" ? Spectre.Console.ValidationResult.Error("--state: --locality runs on SQLite only")
            : Silos is < 1 or > 16 ? Spectre.Console.ValidationResult.Error($"--silos: must be 1-16, got {Silos}")
            : Slots is < 1 or > 64 ? Spectre.Console.ValidationResult.Error($"--slots: must be 1-64, got {Slots}")
            : State is not ("sqlite" or "postgres") ? Spectre.Console.ValidationResult.Error($"--state: sqlite or postgres, got '{State}'")
            : Spectre.Console.ValidationResult.Success();

        public bool OnPostgres => State == "postgres";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aftsweep-bench", Guid.NewGuid().ToString("N"));
        var latencies = new LatencyRecorder();
        try
        {
            if (settings.Locality)
            {
                var options = new LocalityBench.Options(settings.Trials, settings.Silos, settings.Slots, settings.FeatureSets, settings.SetMb,
                    settings.CacheMb ?? 0.6 * settings.FeatureSets * 2 * settings.SetMb, TimeSpan.FromMilliseconds(settings.LocalityWaitMs));
                var locality = await LocalityBench.RunAsync(options, folder, cancellationToken);
                Console.Out.WriteLine(settings.Json ? JsonSerializer.Serialize(locality) : locality.ToText());
                return locality.Completed ? 0 : 1;
            }
            var result = await RunAsync(settings, folder, latencies, cancellationToken);
            Console.Out.WriteLine(settings.Json ? JsonSerializer.Serialize(result) : result.ToText());
            return result.Completed ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static async Task<BenchSchedulerResult> RunAsync(Settings settings, string folder, LatencyRecorder latencies, CancellationToken cancellationToken)
    {
        if (!settings.OnPostgres) return await RunAsync(settings, folder, null, latencies, cancellationToken);
        var connection = Environment.GetEnvironmentVariable(ClusterConnectionOptions.PostgresEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connection))
            throw new ArgumentException($"--state postgres: set ${ClusterConnectionOptions.PostgresEnvironmentVariable} to the connection string of a database the benchmark may create a schema in");
        await using var schema = await ScratchSchema.CreateAsync(connection, cancellationToken);
        return await RunAsync(settings, folder, schema.ConnectionString, latencies, cancellationToken);
    }

    /// <param name="postgres">Null: SQLite in <paramref name="folder"/>; else PostgreSQL clustering and state on this connection string.</param>
    public static async Task<BenchSchedulerResult> RunAsync(Settings settings, string folder, string? postgres, LatencyRecorder latencies, CancellationToken cancellationToken)
    {
        var executor = new NoOpExecutor();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            ConfigureSettings = postgres is null ? null : (_, silo) =>
            {
                silo.Cluster.Clustering = ClusteringMode.Postgres;
                silo.Cluster.PostgresConnectionString = postgres;
                silo.State.Store = StoreMode.Postgres;
            },
            Silos = settings.Silos,
            StateFolder = folder,
            FlushToDisk = settings.Fsync,
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = settings.Slots },
            Scheduling = new SchedulingOptions { LongPollWait = TimeSpan.FromSeconds(1) },
            ConfigureLogging = Environment.GetEnvironmentVariable("AFTSWEEP_BENCH_LOG") is { Length: > 0 } level
                ? logging => logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(level))
                : null,
            ConfigureServices = (_, services) =>
            {
                services.AddSingleton<ITrialExecutor>(executor);
                services.AddSingleton<IWorkerSlotObserver>(latencies);
            },
        }, cancellationToken);

        var plan = SchedulerBenchPlan.Build(settings.Trials, Guid.NewGuid().ToString("N"));
        using var commits = new CommitBatchRecorder();
        var load = LoadAverage();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var accepted = latencies.WhenAccepted(settings.Trials);
        await cluster.Sweeps.SubmitAsync(plan);
        // Polling the sweep's status while it runs would cost CPU the trials need: wait for the commits, then for the sweep.
        // (A slow check every half second covers runs where some commit was not accepted first time.)
        while (!accepted.IsCompleted && !(await cluster.Sweeps.GetStatusAsync(plan.SweepId)).IsDone)
            await Task.WhenAny(accepted, Task.Delay(500, cancellationToken));
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(10), cancellationToken: cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        // CPU per trial does not depend on how busy the machine is: 2 cores / it bounds the trials/s of a quiet 2-core box.
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / settings.Trials;
        var (acceptedCount, other, p50, p99) = latencies.Summary();
        return new BenchSchedulerResult(
            settings.Trials, settings.Silos, settings.Slots, seconds, settings.Trials / seconds, p50, p99,
            acceptedCount, other, status.Trials.Succeeded, status.Cells.Count(c => c.Choice is not null),
            status.Phase == SweepPhase.Completed && status.Trials.Succeeded == settings.Trials, cpuMs, load, settings.Fsync, latencies.Phases(),
            postgres is null ? "sqlite" : "postgres", commits.Summary());
    }

    /// <summary>The 1-minute load average when the run started (Linux), so numbers from a busy machine are read as such.</summary>
    private static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }
}

public sealed record BenchSchedulerResult(
    int Trials, int Silos, int SlotsPerSilo, double Seconds, double TrialsPerSecond, double LeaseToCommitP50Ms, double LeaseToCommitP99Ms,
    int AcceptedCommits, int OtherCommits, int Succeeded, int CellsDecided, bool Completed, double CpuMsPerTrial, double LoadAverage, bool Fsync,
    LatencyPhases MeanPhases, string State, CommitBatches Database)
{
    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"""
        scheduler bench: {Trials} no-op trials, {Silos} silo(s) x {SlotsPerSilo} slot(s), grain state + records in {(State == "postgres" ? "PostgreSQL (clustering too)" : "SQLite")}{(Fsync && State != "postgres" ? " (fsync per commit batch)" : "")}
          wall            {Seconds:0.000} s
          throughput      {TrialsPerSecond:0} trials/s
          lease->commit   p50 {LeaseToCommitP50Ms:0.00} ms, p99 {LeaseToCommitP99Ms:0.00} ms
            mean by phase {MeanPhases.TotalMs:0.00} ms = heartbeat {MeanPhases.HeartbeatMs:0.00} + queued in batch {MeanPhases.QueuedMs:0.00} + execute {MeanPhases.ExecuteMs:0.00} + held for batch {MeanPhases.HeldMs:0.00} + commit call {MeanPhases.CommitMs:0.00}
          database        {Database.Commits} commits carried {Database.Writes} writes ({Database.WritesPerCommit:0.0} per commit), {Database.CommitMs:0.00} ms each; writer busy {Database.WriterSeconds:0.00} s
          cpu             {CpuMsPerTrial:0.000} ms per trial (all silos, this process); load average {LoadAverage:0.00} at start
          commits         {AcceptedCommits} accepted, {OtherCommits} other; {Succeeded} succeeded; {CellsDecided} cells chose a lambda
          completed       {(Completed ? "yes" : "NO")}
        """);
}
