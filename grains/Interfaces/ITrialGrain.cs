using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Orleans.Concurrency;

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// One trial (key: the trial's content-addressed id). Owns its state machine (pending, leased, running, succeeded,
/// failed, cancelled), attempts, error history and the fencing token; writes the trial's record for every sweep
/// it serves before acknowledging a result.
/// </summary>
[Alias("aftsweep.ITrialGrain")]
public interface ITrialGrain : IGrainWithStringKey
{
    /// <summary>Starts a lease: a new fencing token and attempt, persisted before it is granted.</summary>
    [Alias("BeginLease")]
    Task<LeaseGrant> BeginLeaseAsync(WorkItem item, string worker);

    /// <summary>Marks the current lease running (its first heartbeat); ignored when the token is stale.</summary>
    [Alias("MarkRunning"), OneWay]
    Task MarkRunningAsync(long fencingToken);

    /// <summary>
    /// Records an outcome under the given token; the record of every sweep (its own, plus <paramref name="sweepIds"/>
    /// that joined while it ran) is durable before this returns Accepted.
    /// </summary>
    [Alias("Complete")]
    Task<OwnerCommitResult> CompleteAsync(long fencingToken, string worker, WorkOutcome outcome, IReadOnlyList<string> sweepIds);

    /// <summary>The lease stopped heartbeating: a failed attempt (re-queued, or failed for good after the limit).</summary>
    [Alias("ExpireLease")]
    Task<OwnerCommitResult> ExpireLeaseAsync(long fencingToken, string reason);

    /// <summary>Whether the token is the current, unfinished lease (lets a restarted dispatcher adopt a live lease).</summary>
    [Alias("IsCurrentLease")]
    Task<bool> IsCurrentLeaseAsync(long fencingToken);

    /// <summary>The sweep no longer wants this trial; cancelled when no other sweep does. True when it changed.</summary>
    [Alias("Cancel")]
    Task<bool> CancelAsync(string sweepId);

    /// <summary>Re-arms a failed or cancelled trial with a fresh attempt budget (errors kept); the item to queue, or null if it succeeded.</summary>
    [Alias("Retry")]
    Task<WorkItem?> RetryAsync(string sweepId, TrialSpec spec);

    [Alias("Get")]
    Task<TrialSnapshot> GetAsync();
}
