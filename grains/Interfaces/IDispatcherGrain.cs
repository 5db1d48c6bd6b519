using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// The work queue worker slots lease from (key 0: one per cluster). Its queue and leases live in memory and are
/// rebuilt from the owners (trial and feature-set grains) and the sweeps after a failure; the fencing authority is
/// the owner, so a dispatcher that forgets never lets a stale commit through.
/// </summary>
[Alias("aftsweep.IDispatcherGrain")]
public interface IDispatcherGrain : IGrainWithIntegerKey
{
    /// <summary>Leases the best item for the slot, waiting up to <see cref="LeaseRequest.WaitMilliseconds"/> for one; null when none came.</summary>
    [Alias("Lease")]
    Task<Lease?> LeaseAsync(LeaseRequest request);

    /// <summary>
    /// Leases up to <see cref="LeaseRequest.MaxItems"/> items for a slot whose work items finish in milliseconds, so the
    /// per-item round trips are shared; waits like <see cref="LeaseAsync"/> for the first. Empty when none came.
    /// </summary>
    [Alias("LeaseBatch")]
    Task<IReadOnlyList<Lease>> LeaseBatchAsync(LeaseRequest request);

    /// <summary>Heartbeats several leases of one slot at once; one reply per heartbeat, in order.</summary>
    [Alias("HeartbeatBatch")]
    Task<IReadOnlyList<HeartbeatReply>> HeartbeatBatchAsync(IReadOnlyList<Heartbeat> heartbeats);

    /// <summary>Commits several outcomes at once (each decided by its own fencing token); one reply per commit, in order.</summary>
    [Alias("CommitBatch")]
    Task<IReadOnlyList<CommitReply>> CommitBatchAsync(IReadOnlyList<Commit> commits);

    /// <summary>Extends a lease and records progress; says whether to continue, cancel, or give up a lost lease.</summary>
    [Alias("Heartbeat")]
    Task<HeartbeatReply> HeartbeatAsync(Heartbeat heartbeat);

    /// <summary>Hands in a work item's outcome; refused when the fencing token is stale.</summary>
    [Alias("Commit")]
    Task<CommitReply> CommitAsync(Commit commit);

    /// <summary>
    /// Queues items (idempotent: items already queued or leased are merged, not duplicated); returns how many were new.
    /// A sweep id registers the sweep for resync after failures; feature shards pass null (their set re-queues them).
    /// </summary>
    [Alias("Enqueue")]
    Task<int> EnqueueAsync(string? sweepId, IReadOnlyList<WorkItem> items);

    /// <summary>Drops the sweep's queued items and cancels its running ones at their next heartbeat; returns how many were affected.</summary>
    [Alias("CancelSweep")]
    Task<int> CancelSweepAsync(string sweepId);

    /// <summary>Takes back a cancellation: the sweep's items are accepted (and leased) again.</summary>
    [Alias("ResumeSweep")]
    Task ResumeSweepAsync(string sweepId);

    /// <summary>Forgets a finished sweep (no more resync pokes).</summary>
    [Alias("ForgetSweep")]
    Task ForgetSweepAsync(string sweepId);

    /// <summary>The sweep's queued and leased items.</summary>
    [Alias("GetActive")]
    Task<IReadOnlyList<ActiveWork>> GetActiveAsync(string sweepId);
}
