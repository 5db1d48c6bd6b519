using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

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
