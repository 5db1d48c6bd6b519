using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Options;
using AftSweep.Grains.Workers;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// `aftsweep bench scheduler`: K in-process silos with file grain storage and a folder record store in a temp dir,
/// N no-op trials through the full path (lease, heartbeat, commit, state and record writes, sweep aggregation).
/// </summary>
public sealed class BenchSchedulerCommand : AsyncCommand<BenchSchedulerCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--trials <N>")]
        [Description("No-op trials to schedule (default 2000).")]
        public int Trials { get; init; } = 2000;

        [CommandOption("--silos <K>")]
        [Description("In-process silos (default 2).")]
        public int Silos { get; init; } = 2;

        [CommandOption("--slots <S>")]
        [Description("Worker slots per silo (default 4).")]
        public int Slots { get; init; } = 4;

        [CommandOption("--json")]
        [Description("Machine-readable output.")]
        public bool Json { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Trials < 1 ? Spectre.Console.ValidationResult.Error($"--trials: must be at least 1, got {Trials}")
            : Silos is < 1 or > 16 ? Spectre.Console.ValidationResult.Error($"--silos: must be 1-16, got {Silos}")
            : Slots is < 1 or > 64 ? Spectre.Console.ValidationResult.Error($"--slots: must be 1-64, got {Slots}")
            : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aftsweep-bench", Guid.NewGuid().ToString("N"));
        var latencies = new LatencyRecorder();
        try
        {
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
        var executor = new NoOpExecutor();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = settings.Silos,
            StateFolder = folder,
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
        var clock = Stopwatch.StartNew();
        await cluster.Sweeps.SubmitAsync(plan);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(200), cancellationToken: cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var (accepted, other, p50, p99) = latencies.Summary();
        return new BenchSchedulerResult(
            settings.Trials, settings.Silos, settings.Slots, seconds, settings.Trials / seconds, p50, p99,
            accepted, other, status.Trials.Succeeded, status.Cells.Count(c => c.Choice is not null),
            status.Phase == SweepPhase.Completed && status.Trials.Succeeded == settings.Trials);
    }
}

public sealed record BenchSchedulerResult(
    int Trials, int Silos, int SlotsPerSilo, double Seconds, double TrialsPerSecond, double LeaseToCommitP50Ms, double LeaseToCommitP99Ms,
    int AcceptedCommits, int OtherCommits, int Succeeded, int CellsDecided, bool Completed)
{
    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"""
        scheduler bench: {Trials} no-op trials, {Silos} silo(s) x {SlotsPerSilo} slot(s), file grain storage + folder records
          wall            {Seconds:0.000} s
          throughput      {TrialsPerSecond:0} trials/s
          lease->commit   p50 {LeaseToCommitP50Ms:0.00} ms, p99 {LeaseToCommitP99Ms:0.00} ms
          commits         {AcceptedCommits} accepted, {OtherCommits} other; {Succeeded} succeeded; {CellsDecided} cells chose a lambda
          completed       {(Completed ? "yes" : "NO")}
        """);
}
