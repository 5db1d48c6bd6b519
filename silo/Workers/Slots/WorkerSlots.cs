using AftSweep.Grains.Features;
using AftSweep.Grains.Options;
using AftSweep.Infra.Metrics;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AftSweep.Workers.Slots;

/// <summary>
/// Runs this silo's worker slots (one per device x SlotsPerDevice). A silo lifecycle participant rather than a plain
/// hosted service: slots start once the silo is active (grain calls work) and stop before it starts leaving the
/// cluster. A silo stopped without grace abandons its leases, which then expire and are re-queued.
/// </summary>
public sealed partial class WorkerSlots(
    IServiceProvider services,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<WorkerSlotOptions> slotOptions,
    IOptions<SchedulingOptions> scheduling,
    AftSweepMetrics metrics,
    ILogger<WorkerSlots> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly List<Task> _loops = [];
    private CancellationTokenSource? _stopping;

    public IReadOnlyList<string> Workers { get; private set; } = [];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerSlots), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        var devices = slotOptions.Value.DeviceList;
        if (devices.Count == 0) return Task.CompletedTask;
        var executor = services.GetService<ITrialExecutor>();
        if (executor is null)
        {
            LogNoExecutor(logger, silo.Name);
            return Task.CompletedTask;
        }
        var extraction = services.GetService<IFeatureExtractionRunner>();
        var cache = services.GetService<IFeatureCacheProbe>() ?? new NoFeatureCache();
        var observers = services.GetServices<IWorkerSlotObserver>().ToList();
        _stopping = new CancellationTokenSource();
        var workers = new List<string>();
        foreach (var device in devices)
        {
            for (var i = 0; i < slotOptions.Value.SlotsPerDevice; i++)
            {
                var slot = new WorkerSlot($"{silo.Name}/{device}#{i}", device, grains, executor, extraction, cache, observers, scheduling.Value, logger, metrics);
                metrics.SlotConfigured(device);
                workers.Add(slot.Worker);
                var token = _stopping.Token;
                _loops.Add(Task.Run(() => slot.RunAsync(token), CancellationToken.None));
            }
        }
        Workers = workers;
        WatchGpuMemory(devices);
        LogStarted(logger, workers.Count, string.Join(",", devices), silo.Name);
        return Task.CompletedTask;
    }

    /// <summary>GPU memory per CUDA device this silo's slots use; skipped (nothing exported) without an NVIDIA driver.</summary>
    private void WatchGpuMemory(IEnumerable<string> devices)
    {
        var cuda = devices.Select(d => (Device: d, Index: NvmlGpuMemory.CudaIndex(d))).Where(d => d.Index is not null).ToList();
        if (cuda.Count == 0) return;
        if (NvmlGpuMemory.TryCreate() is not { } nvml)
        {
            LogNoNvml(logger, string.Join(",", cuda.Select(d => d.Device)));
            return;
        }
        foreach (var (device, index) in cuda) metrics.WatchGpuMemory(device, () => nvml.UsedBytes(index!.Value));
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null) return;
        await _stopping.CancelAsync();
        // A graceful stop waits for the loops (they drop their leases without committing); an ungraceful one does not.
        if (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(_loops).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Count} worker slot(s) on {Devices} in silo {Silo}")]
    private static partial void LogStarted(ILogger logger, int count, string devices, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA devices {Devices} configured but NVML (libnvidia-ml.so.1) is unavailable: GPU memory is not exported")]
    private static partial void LogNoNvml(ILogger logger, string devices);

    [LoggerMessage(Level = LogLevel.Error, Message = "Silo {Silo}: no ITrialExecutor is registered, so it runs no worker slots (it still hosts grains)")]
    private static partial void LogNoExecutor(ILogger logger, string silo);
}
