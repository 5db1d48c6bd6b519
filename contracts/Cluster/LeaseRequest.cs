namespace AftSweep.Contracts.Cluster;

/// <summary>A worker slot asking for work.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LeaseRequest.v1")]
public sealed record LeaseRequest
{
    /// <summary>"silo/slot": shows up in leases, errors and records.</summary>
    [Id(0)] public required string Worker { get; init; }
    /// <summary>The slot's device ("cpu", "cuda:0").</summary>
    [Id(1)] public required string Device { get; init; }
    /// <summary>Kinds of work this slot can run.</summary>
    [Id(2)] public IReadOnlyList<WorkKind> Kinds { get; init; } = [WorkKind.Trial];
    /// <summary>Feature-set keys (<see cref="Features.FeatureSetId.Key"/>) whose every shard is in this silo's local cache (the affinity hint).</summary>
    [Id(3)] public IReadOnlyList<string> CachedFeatureKeys { get; init; } = [];
    /// <summary>Long poll: how long the dispatcher may hold the call when it has nothing to give.</summary>
    [Id(4)] public int WaitMilliseconds { get; init; }
    /// <summary>Batch leasing (the dispatcher grain's LeaseBatchAsync): at most this many items at once.</summary>
    [Id(5)] public int MaxItems { get; init; } = 1;
}
