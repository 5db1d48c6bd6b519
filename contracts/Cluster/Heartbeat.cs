using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>A lease holder's proof of life, with progress.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.Heartbeat.v1")]
public sealed record Heartbeat
{
    [Id(0)] public required Guid LeaseId { get; init; }
    [Id(1)] public required WorkKind Kind { get; init; }
    [Id(2)] public required string Key { get; init; }
    [Id(3)] public required long FencingToken { get; init; }
    [Id(4)] public required string Worker { get; init; }
    [Id(5)] public TrialProgress? Progress { get; init; }
}

/// <summary>What the dispatcher tells a heartbeating slot. Numbers are persisted: never renumber.</summary>
public enum HeartbeatReply
{
    /// <summary>Keep going; the lease is extended.</summary>
    Continue = 1,
    /// <summary>The work was cancelled: stop and commit nothing.</summary>
    Cancel = 2,
    /// <summary>The lease is no longer yours (expired and re-leased): stop, a commit would be refused.</summary>
    Lost = 3,
}
