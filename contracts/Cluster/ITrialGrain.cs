using Orleans.Concurrency;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

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

/// <summary>An owner's answer to BeginLease. Numbers are persisted: never renumber.</summary>
public enum LeaseGrantStatus
{
    Granted = 1,
    /// <summary>Already succeeded or failed: nothing to run; <see cref="LeaseGrant.Finished"/> has its records.</summary>
    Finished = 2,
}

[GenerateSerializer, Immutable, Alias("aftsweep.LeaseGrant.v1")]
public sealed record LeaseGrant
{
    [Id(0)] public required LeaseGrantStatus Status { get; init; }
    [Id(1)] public long FencingToken { get; init; }
    [Id(2)] public int Attempt { get; init; }
    /// <summary>One record per sweep of a finished trial, so the dispatcher can tell the sweeps.</summary>
    [Id(3)] public IReadOnlyList<TrialRecord> Finished { get; init; } = [];
}

/// <summary>An owner's answer to a commit or an expiry.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.OwnerCommitResult.v1")]
public sealed record OwnerCommitResult
{
    [Id(0)] public required CommitReply Reply { get; init; }
    /// <summary>The item to queue again (Requeued).</summary>
    [Id(1)] public WorkItem? Requeue { get; init; }
    /// <summary>Records of a trial that finished (succeeded or failed), one per sweep, to tell the sweeps.</summary>
    [Id(2)] public IReadOnlyList<TrialRecord> Finished { get; init; } = [];

    public static readonly OwnerCommitResult Stale = new() { Reply = CommitReply.Stale };
}

/// <summary>A trial's state as its grain sees it.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialSnapshot.v1")]
public sealed record TrialSnapshot
{
    [Id(0)] public required string TrialId { get; init; }
    [Id(1)] public required TrialStatus Status { get; init; }
    [Id(2)] public int Attempts { get; init; }
    [Id(3)] public long FencingToken { get; init; }
    [Id(4)] public IReadOnlyList<string> Errors { get; init; } = [];
    [Id(5)] public IReadOnlyList<string> SweepIds { get; init; } = [];
    [Id(6)] public string? Worker { get; init; }
    [Id(7)] public TrialResult? Result { get; init; }
}
