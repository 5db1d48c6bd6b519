namespace AftSweep.Contracts.Cluster;

/// <summary>A lease holder handing in the outcome of its work item.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.Commit.v1")]
public sealed record Commit
{
    [Id(0)] public required Guid LeaseId { get; init; }
    [Id(1)] public required WorkKind Kind { get; init; }
    [Id(2)] public required string Key { get; init; }
    [Id(3)] public required long FencingToken { get; init; }
    [Id(4)] public required string Worker { get; init; }
    [Id(5)] public required WorkOutcome Outcome { get; init; }
}

/// <summary>The answer to a commit. Numbers are persisted: never renumber.</summary>
public enum CommitReply
{
    /// <summary>The result is durable (state and record written).</summary>
    Accepted = 1,
    /// <summary>The same lease already committed (a retried commit): nothing changed.</summary>
    AlreadyAccepted = 2,
    /// <summary>Refused: the token is not the current lease's (expired, re-leased, or cancelled).</summary>
    Stale = 3,
    /// <summary>The failed attempt was recorded and the work re-queued for another attempt.</summary>
    Requeued = 4,
    /// <summary>The failed attempt was the last one: the work failed for good, its errors kept.</summary>
    Failed = 5,
}
