using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AftSweep.Infra.Metrics;

/// <summary>
/// The AftSweep meter and its instruments. One instance per process (registered as a singleton); grains and worker
/// slots record through it, OpenTelemetry exports it at /metrics.
/// </summary>
public sealed class AftSweepMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _transitions;
    private readonly UpDownCounter<long> _current;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _leaseExpirations;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _samples;
    private readonly UpDownCounter<long> _slotsBusy;
    private readonly UpDownCounter<long> _slots;
    private readonly Counter<long> _storageRetries;
    private readonly ConcurrentDictionary<string, SweepGaugeValue> _sweeps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<long>> _gpuMemory = new(StringComparer.Ordinal);

    public AftSweepMetrics(IMeterFactory meterFactory)
        : this(meterFactory.Create(InstrumentNames.MeterName))
    {
    }

    /// <summary>For hosts without DI (tools, tests).</summary>
    public AftSweepMetrics() : this(new Meter(InstrumentNames.MeterName))
    {
    }

    private AftSweepMetrics(Meter meter)
    {
        _meter = meter;
        _transitions = meter.CreateCounter<long>(InstrumentNames.TrialTransitions, description: "Trial state transitions, by method and new state.");
        _current = meter.CreateUpDownCounter<long>(InstrumentNames.TrialsCurrent, description: "Trials currently in each state, by method (sum over silos).");
        _duration = meter.CreateHistogram<double>(InstrumentNames.TrialDuration, unit: "s", description: "Wall time of finished trials, by method.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200] });
        _retries = meter.CreateCounter<long>(InstrumentNames.TrialRetries, description: "Trial attempts re-queued, by reason.");
        _failures = meter.CreateCounter<long>(InstrumentNames.TrialFailures, description: "Failed trial attempts, by method and reason.");
        _leaseExpirations = meter.CreateCounter<long>(InstrumentNames.LeaseExpirations, description: "Leases that stopped heartbeating and expired.");
        _steps = meter.CreateCounter<long>(InstrumentNames.TrainingSteps, description: "Optimiser steps taken, by device and slot.");
        _samples = meter.CreateCounter<long>(InstrumentNames.TrainingSamples, description: "Training samples processed, by device and slot.");
        _slotsBusy = meter.CreateUpDownCounter<long>(InstrumentNames.SlotsBusy, description: "Worker slots running a work item, by device.");
        _slots = meter.CreateUpDownCounter<long>(InstrumentNames.Slots, description: "Worker slots configured, by device.");
        _storageRetries = meter.CreateCounter<long>(InstrumentNames.StorageRetries, description: "Storage operations retried by the resilience pipeline, by operation.");
        meter.CreateObservableGauge(InstrumentNames.SweepProgress, ObserveProgress, description: "Fraction of an active sweep's trials finished.");
        meter.CreateObservableGauge(InstrumentNames.SweepEta, ObserveEta, unit: "s", description: "Estimated seconds until an active sweep finishes.");
        meter.CreateObservableGauge(InstrumentNames.GpuMemoryInUse, ObserveGpuMemory, unit: "By", description: "GPU memory in use, by device.");
    }

    public void TrialTransition(string method, string? fromState, string toState)
    {
        _transitions.Add(1, new("method", method), new("state", toState));
        if (fromState is not null) _current.Add(-1, new("method", method), new("state", fromState));
        _current.Add(1, new("method", method), new("state", toState));
    }

    public void TrialFinished(string method, double seconds) => _duration.Record(seconds, new KeyValuePair<string, object?>("method", method));

    public void TrialRetried(string reason) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TrialAttemptFailed(string method, string reason) => _failures.Add(1, new("method", method), new("reason", reason));

    public void LeaseExpired() => _leaseExpirations.Add(1);

    public void TrainingProgress(string device, string slot, long steps, long samples)
    {
        _steps.Add(steps, new("device", device), new("slot", slot));
        _samples.Add(samples, new("device", device), new("slot", slot));
    }

    public void SlotConfigured(string device) => _slots.Add(1, new KeyValuePair<string, object?>("device", device));

    public void SlotBusy(string device, bool busy) => _slotsBusy.Add(busy ? 1 : -1, new KeyValuePair<string, object?>("device", device));

    public void StorageRetried(string operation) => _storageRetries.Add(1, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Called by the sweep coordinator whenever its counts change; removed when the sweep ends.</summary>
    public void ReportSweep(string sweepName, double progress, double? etaSeconds) => _sweeps[sweepName] = new(progress, etaSeconds);

    public void ForgetSweep(string sweepName) => _sweeps.TryRemove(sweepName, out _);

    public void WatchGpuMemory(string device, Func<long> bytesInUse) => _gpuMemory[device] = bytesInUse;

    private IEnumerable<Measurement<double>> ObserveProgress() =>
        _sweeps.Select(kv => new Measurement<double>(kv.Value.Progress, new KeyValuePair<string, object?>("sweep", kv.Key)));

    private IEnumerable<Measurement<double>> ObserveEta() =>
        _sweeps.Where(kv => kv.Value.EtaSeconds is not null)
            .Select(kv => new Measurement<double>(kv.Value.EtaSeconds!.Value, new KeyValuePair<string, object?>("sweep", kv.Key)));

    private IEnumerable<Measurement<long>> ObserveGpuMemory() =>
        _gpuMemory.Select(kv => new Measurement<long>(kv.Value(), new KeyValuePair<string, object?>("device", kv.Key)));

    public void Dispose() => _meter.Dispose();

    private readonly record struct SweepGaugeValue(double Progress, double? EtaSeconds);
}
