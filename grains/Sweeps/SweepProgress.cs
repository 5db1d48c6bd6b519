using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Metrics;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// A sweep's gauges: progress = finished / planned trials; ETA = remaining x the mean time per trial finished since
/// this activation began watching (unknown until one has finished); and per cell the science (stage-1 mean holdout
/// accuracy per lambda, the chosen lambda, the mean test accuracy over the final seeds landed so far).
/// </summary>
public sealed class SweepProgress(SweepPlan plan, SweepLedger ledger, AftSweepMetrics metrics, TimeProvider time)
{
    // ETA baseline: finished trials and time when this activation started watching the sweep.
    private int _baselineFinished = -1;
    private long _baselineAt;

    /// <summary>Starts the ETA over (a resumed sweep: the time it was cancelled says nothing about its pace).</summary>
    public void Restart() => _baselineFinished = -1;

    /// <summary>Reports progress and science; the ETA in seconds, null until a trial has finished since the baseline.</summary>
    public double? Report()
    {
        var total = Math.Max(plan.TotalTrialCount, ledger.Trials.Count);
        var done = ledger.Records.Count;
        if (_baselineFinished < 0)
        {
            _baselineFinished = done;
            _baselineAt = time.GetTimestamp();
        }
        double? eta = null;
        var finishedSince = done - _baselineFinished;
        if (finishedSince > 0) eta = time.GetElapsedTime(_baselineAt).TotalSeconds / finishedSince * Math.Max(0, total - done);
        metrics.ReportSweep(plan.SweepId, plan.Grid.Name, total == 0 ? 1 : (double)done / total, eta);
        ReportScience();
        return eta;
    }

    /// <summary>The sweep is done: its last science, and the gauges stay at 1.0 for a while.</summary>
    public void Finished()
    {
        ReportScience();
        metrics.SweepFinished(plan.SweepId, plan.Grid.Name);
    }

    /// <summary>The sweep leaves the gauges (cancelled, or deactivated).</summary>
    public void Forget() => metrics.ForgetSweep(plan.SweepId);

    /// <summary>O(records) per report: reports come with batches of finished trials, not per trial.</summary>
    private void ReportScience()
    {
        foreach (var cell in plan.Cells)
        {
            var holdout = ledger.Selection(cell.Key)?.Scores.ToDictionary(s => s.Lambda, s => s.MeanHoldoutAccuracy) ?? [];
            var finals = ledger.FinalIds(cell.Key).Select(ledger.Records.GetValueOrDefault)
                .Where(r => r is { Status: TrialStatus.Succeeded, Result: not null })
                .Select(r => r!.Result!.Accuracy).ToList();
            metrics.ReportCell(plan.SweepId, plan.Grid.Name, cell.Method.NameOf(), cell.ComboKey, holdout,
                ledger.Choices.GetValueOrDefault(cell.Key)?.Lambda, finals.Count == 0 ? null : finals.Average(), finals.Count);
        }
    }
}
