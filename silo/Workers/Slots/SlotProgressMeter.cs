using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Metrics;

namespace AftSweep.Workers.Slots;

/// <summary>
/// Turns one lease's progress heartbeats into step and sample counts for the slot: each heartbeat adds the steps
/// taken since the previous one (samples = steps x batch size), and a successful finish adds whatever the last
/// heartbeat missed (the result's step count). Feature-extraction leases count nothing here (their rows are
/// counted by the feature store).
/// </summary>
public sealed class SlotProgressMeter(AftSweepMetrics? metrics, string device, string slot, WorkItem item)
{
    private readonly int _batchSize = item.Trial?.Training.BatchSize ?? TrainingConfig.DefaultTextBatchSize;
    private long _counted;

    public long CountedSteps => _counted;

    public void Observe(TrialProgress? progress)
    {
        if (progress is not null) AdvanceTo(progress.Step);
    }

    public void Finish(WorkOutcome outcome)
    {
        if (outcome is { Succeeded: true, Trial: { } result }) AdvanceTo(result.Steps);
    }

    private void AdvanceTo(long step)
    {
        if (metrics is null || item.Kind != WorkKind.Trial || step <= _counted) return;
        var delta = step - _counted;
        _counted = step;
        metrics.TrainingProgress(device, slot, delta, delta * _batchSize);
    }
}
