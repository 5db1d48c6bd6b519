using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AftSweep.Infra.Metrics;

/// <summary>
/// The AftSweep meter and its instruments. One instance per silo (a singleton in its service provider); grains and
/// worker slots record through it, OpenTelemetry exports it at /metrics.
/// Counters whose label values are known up front (reasons, lease expirations) are observable and start at zero, so
/// Prometheus has a series (and rate() a value) before the first failure; the rest appear with their first event.
/// </summary>
public sealed class AftSweepMetrics : IDisposable
{
    /// <summary>How long a finished sweep stays on the progress gauge (at 1.0, ETA 0) so dashboards see it finish.</summary>
    public static readonly TimeSpan FinishedSweepLinger = TimeSpan.FromMinutes(5);

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _transitions;
    private readonly UpDownCounter<long> _current;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _samples;
    private readonly ConcurrentDictionary<string, long> _retries = new(FailureReasons.All.Select(r => KeyValuePair.Create(r, 0L)), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Method, string Reason), long> _failures = new();
    private readonly ConcurrentDictionary<string, SlotCounts> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SweepGaugeValue> _sweeps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Sweep, string Cell), CellScience> _science = new();
    private readonly ConcurrentDictionary<string, Func<long?>> _gpuMemory = new(StringComparer.Ordinal);
    private long _leaseExpirations;

    public AftSweepMetrics(IMeterFactory meterFactory, TimeProvider? time = null)
        : this(meterFactory.Create(InstrumentNames.MeterName), time ?? TimeProvider.System)
    {
    }

    /// <summary>For hosts without DI (tools, tests).</summary>
    public AftSweepMetrics() : this(new Meter(InstrumentNames.MeterName), TimeProvider.System)
    {
    }

    private AftSweepMetrics(Meter meter, TimeProvider time)
    {
        _meter = meter;
        _time = time;
        _transitions = meter.CreateCounter<long>(InstrumentNames.TrialTransitions, description: "Trial state transitions, by method and new state.");
        _current = meter.CreateUpDownCounter<long>(InstrumentNames.TrialsCurrent, description: "Trials currently in each state, by method (sum over silos).");
        _duration = meter.CreateHistogram<double>(InstrumentNames.TrialDuration, unit: "s", description: "Wall time of finished trial attempts, by method and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200] });
        meter.CreateObservableCounter(InstrumentNames.TrialRetries,
            () => _retries.Select(kv => new Measurement<long>(kv.Value, Tag("reason", kv.Key))),
            description: "Trial attempts re-queued, by reason.");
        meter.CreateObservableCounter(InstrumentNames.TrialFailures,
            () => _failures.Select(kv => new Measurement<long>(kv.Value, Tag("method", kv.Key.Method), Tag("reason", kv.Key.Reason))),
            description: "Failed trial attempts (retried or final), by method and reason.");
        meter.CreateObservableCounter(InstrumentNames.LeaseExpirations, () => Interlocked.Read(ref _leaseExpirations),
            description: "Leases that stopped heartbeating and expired.");
        _steps = meter.CreateCounter<long>(InstrumentNames.TrainingSteps, description: "Optimiser steps taken, by device and slot.");
        _samples = meter.CreateCounter<long>(InstrumentNames.TrainingSamples, description: "Training samples processed, by device and slot.");
        meter.CreateObservableUpDownCounter(InstrumentNames.SlotsBusy,
            () => _slots.Select(kv => new Measurement<long>(Interlocked.Read(ref kv.Value.Busy), Tag("device", kv.Key))),
            description: "Worker slots running a work item, by device.");
        meter.CreateObservableUpDownCounter(InstrumentNames.Slots,
            () => _slots.Select(kv => new Measurement<long>(Interlocked.Read(ref kv.Value.Configured), Tag("device", kv.Key))),
            description: "Worker slots configured, by device.");
        meter.CreateObservableGauge(InstrumentNames.SweepProgress, ObserveProgress, description: "Fraction of a sweep's trials finished (active sweeps, and finished ones for a few minutes).");
        meter.CreateObservableGauge(InstrumentNames.SweepEta, ObserveEta, unit: "s", description: "Estimated seconds until a sweep finishes.");
        meter.CreateObservableGauge(InstrumentNames.GpuMemoryInUse, ObserveGpuMemory, unit: "By", description: "GPU memory in use, by device.");
        meter.CreateObservableGauge(InstrumentNames.HoldoutAccuracy, ObserveHoldout,
            description: "Stage 1: mean holdout accuracy over the selection seeds finished so far, per sweep, method, combo and lambda.");
        meter.CreateObservableGauge(InstrumentNames.ChosenLambda, () => ObserveCells(c => c.ChosenLambda),
            description: "The lambda stage 1 chose for a cell (per sweep, method, combo).");
        meter.CreateObservableGauge(InstrumentNames.TestAccuracy, () => ObserveCells(c => c.TestAccuracy),
            description: "Stage 2: mean test accuracy over the seeds finished so far, per sweep, method and combo.");
        meter.CreateObservableGauge(InstrumentNames.TestSeeds, () => ObserveCells(c => c.TestSeeds > 0 ? c.TestSeeds : null),
            description: "Stage 2: seeds whose test accuracy has landed, per sweep, method and combo.");
    }

    /// <summary>This instance's meter (tests listen to it alone; other silos in the process have their own).</summary>
    public Meter Meter => _meter;

    public void TrialTransition(string method, string? fromState, string toState)
    {
        EnsureMethod(method);
        _transitions.Add(1, Tag("method", method), Tag("state", toState));
        if (fromState is not null) _current.Add(-1, Tag("method", method), Tag("state", fromState));
        _current.Add(1, Tag("method", method), Tag("state", toState));
    }

    /// <summary>Takes a trial out of the current-state gauge (its grain deactivated while it was not finished).</summary>
    public void TrialForgotten(string method, string state) => _current.Add(-1, Tag("method", method), Tag("state", state));

    public void TrialFinished(string method, string outcome, double seconds) =>
        _duration.Record(seconds, Tag("method", method), Tag("outcome", outcome));

    public void TrialRetried(string reason) => _retries.AddOrUpdate(Known(reason), 1, (_, n) => n + 1);

    public void TrialAttemptFailed(string method, string reason)
    {
        EnsureMethod(method);
        _failures.AddOrUpdate((method, Known(reason)), 1, (_, n) => n + 1);
    }

    public void LeaseExpired() => Interlocked.Increment(ref _leaseExpirations);

    public void TrainingProgress(string device, string slot, long steps, long samples)
    {
        if (steps > 0) _steps.Add(steps, Tag("device", device), Tag("slot", slot));
        if (samples > 0) _samples.Add(samples, Tag("device", device), Tag("slot", slot));
    }

    public void SlotConfigured(string device) => Interlocked.Increment(ref _slots.GetOrAdd(device, _ => new SlotCounts()).Configured);

    public void SlotBusy(string device, bool busy)
    {
        var counts = _slots.GetOrAdd(device, _ => new SlotCounts());
        if (busy) Interlocked.Increment(ref counts.Busy);
        else Interlocked.Decrement(ref counts.Busy);
    }

    /// <summary>Called by the sweep coordinator whenever its counts change. <paramref name="sweepId"/> is the series' key; the grid's name is a label of its own.</summary>
    public void ReportSweep(string sweepId, string grid, double progress, double? etaSeconds) => _sweeps[sweepId] = new(grid, progress, etaSeconds, null);

    /// <summary>A finished sweep stays at 1.0 (and its science) for <see cref="FinishedSweepLinger"/>, then leaves the gauges.</summary>
    public void SweepFinished(string sweepId, string grid) => _sweeps[sweepId] = new(grid, 1, 0, _time.GetUtcNow() + FinishedSweepLinger);

    public void ForgetSweep(string sweepId)
    {
        _sweeps.TryRemove(sweepId, out _);
        foreach (var key in _science.Keys.Where(k => k.Sweep == sweepId)) _science.TryRemove(key, out _);
    }

    /// <summary>
    /// A cell's science so far: stage-1 mean holdout accuracy per lambda, the chosen lambda, and the mean stage-2 test
    /// accuracy over the seeds landed. Exported while the sweep is on the progress gauges.
    /// </summary>
    public void ReportCell(string sweepId, string grid, string method, string combo, IReadOnlyDictionary<double, double> holdoutByLambda,
        double? chosenLambda, double? testAccuracy, int testSeeds) =>
        _science[(sweepId, $"{method}|{combo}")] = new CellScience(grid, method, combo, holdoutByLambda, chosenLambda, testAccuracy, testSeeds);

    /// <summary>Reads <paramref name="bytesInUse"/> at each scrape; a null reading (device gone) exports nothing.</summary>
    public void WatchGpuMemory(string device, Func<long?> bytesInUse) => _gpuMemory[device] = bytesInUse;

    private void EnsureMethod(string method)
    {
        foreach (var reason in FailureReasons.All) _failures.TryAdd((method, reason), 0);
    }

    private static string Known(string reason) => FailureReasons.All.Contains(reason) ? reason : FailureReasons.Error;

    private IEnumerable<Measurement<double>> ObserveProgress() =>
        LiveSweeps().Select(kv => new Measurement<double>(kv.Value.Progress, Tag("sweep", kv.Key), Tag("grid", kv.Value.Grid)));

    private IEnumerable<Measurement<double>> ObserveEta() =>
        LiveSweeps().Where(kv => kv.Value.EtaSeconds is not null)
            .Select(kv => new Measurement<double>(kv.Value.EtaSeconds!.Value, Tag("sweep", kv.Key), Tag("grid", kv.Value.Grid)));

    private IEnumerable<Measurement<double>> ObserveHoldout()
    {
        var live = LiveSweeps().Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var ((sweep, _), cell) in _science)
        {
            if (!live.Contains(sweep)) continue;
            foreach (var (lambda, accuracy) in cell.HoldoutByLambda)
                yield return new Measurement<double>(accuracy, [.. CellTags(sweep, cell), Tag("lambda", lambda.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]);
        }
    }

    private IEnumerable<Measurement<double>> ObserveCells(Func<CellScience, double?> value)
    {
        var live = LiveSweeps().Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var ((sweep, _), cell) in _science)
        {
            if (live.Contains(sweep) && value(cell) is { } v) yield return new Measurement<double>(v, CellTags(sweep, cell));
        }
    }

    private static KeyValuePair<string, object?>[] CellTags(string sweep, CellScience cell) =>
        [Tag("sweep", sweep), Tag("grid", cell.Grid), Tag("method", cell.Method), Tag("combo", cell.Combo.Length == 0 ? "-" : cell.Combo)];

    private List<KeyValuePair<string, SweepGaugeValue>> LiveSweeps()
    {
        var now = _time.GetUtcNow();
        foreach (var kv in _sweeps)
            if (kv.Value.RemoveAt is { } at && at <= now && _sweeps.TryRemove(kv)) ForgetSweep(kv.Key);
        return [.. _sweeps];
    }

    private IEnumerable<Measurement<long>> ObserveGpuMemory()
    {
        foreach (var (device, read) in _gpuMemory)
        {
            if (read() is { } bytes) yield return new Measurement<long>(bytes, Tag("device", device));
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    public void Dispose() => _meter.Dispose();

    private sealed class SlotCounts
    {
        public long Configured;
        public long Busy;
    }

    private readonly record struct SweepGaugeValue(string Grid, double Progress, double? EtaSeconds, DateTimeOffset? RemoveAt);

    private sealed record CellScience(string Grid, string Method, string Combo, IReadOnlyDictionary<double, double> HoldoutByLambda,
        double? ChosenLambda, double? TestAccuracy, int TestSeeds);
}
