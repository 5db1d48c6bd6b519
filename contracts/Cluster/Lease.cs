namespace AftSweep.Contracts.Cluster;

/// <summary>
/// A granted lease. The fencing token is the owner's monotonically increasing lease counter: a commit or
/// heartbeat carrying an older token is refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.Lease.v1")]
public sealed record Lease
{
    [Id(0)] public required Guid LeaseId { get; init; }
    [Id(1)] public required WorkItem Item { get; init; }
    [Id(2)] public required long FencingToken { get; init; }
    /// <summary>1-based attempt number of this lease.</summary>
    [Id(3)] public required int Attempt { get; init; }
    [Id(4)] public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>How often the holder must heartbeat to keep the lease.</summary>
    [Id(5)] public required TimeSpan HeartbeatInterval { get; init; }
}
