using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// One sweep (key: <see cref="SweepPlan.SweepId"/>, the content hash of the grid). Runs the two-stage protocol:
/// queues stage 1, picks each cell's lambda when its stage 1 is done, queues stage 2, aggregates mean and SE.
/// </summary>
[Alias("aftsweep.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Registers and starts the plan; resubmitting the same plan is the same sweep (nothing duplicated).</summary>
    [Alias("Submit")]
    Task<SweepSubmission> SubmitAsync(SweepPlan plan);

    /// <summary>Counts per state, per stage and per cell, with each cell's lambda and seed statistics.</summary>
    [Alias("GetStatus")]
    Task<SweepStatus> GetStatusAsync();

    /// <summary>Trials known to the sweep, filtered.</summary>
    [Alias("GetTrials")]
    Task<IReadOnlyList<TrialSummary>> GetTrialsAsync(TrialFilter filter);

    /// <summary>The records of every finished (succeeded or failed) trial.</summary>
    [Alias("GetRecords")]
    Task<IReadOnlyList<TrialRecord>> GetRecordsAsync();

    /// <summary>Stops the sweep: pending trials are dropped, running ones stop at their next heartbeat. Returns the trials affected.</summary>
    [Alias("Cancel")]
    Task<int> CancelAsync();

    /// <summary>
    /// Takes back a cancellation: the sweep runs on, its unfinished trials (cancelled or never started) queued again;
    /// finished ones keep their records. Returns how many trials are unfinished; 0 when the sweep was not cancelled.
    /// </summary>
    [Alias("Resume")]
    Task<int> ResumeAsync();

    /// <summary>Re-queues failed trials (all, or the one given) with a fresh attempt budget; returns how many.</summary>
    [Alias("Retry")]
    Task<int> RetryAsync(string? trialId);

    /// <summary>Trials finished (called by the dispatcher); idempotent.</summary>
    [Alias("OnTrialsFinished")]
    Task OnTrialsFinishedAsync(IReadOnlyList<TrialRecord> records);

    /// <summary>Re-queues every unfinished trial (the dispatcher asks when it holds nothing for a sweep that is not done).</summary>
    [Alias("Resync")]
    Task<int> ResyncAsync();
}
