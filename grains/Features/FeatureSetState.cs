using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Features;

/// <summary>The persisted state of a <see cref="FeatureSetGrain"/>: its shards and where each stands.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FeatureSetState.v1")]
public sealed record FeatureSetState
{
    [Id(0)] public FeatureSetPhase Phase { get; init; } = FeatureSetPhase.Missing;
    [Id(1)] public IReadOnlyList<ShardState> Shards { get; init; } = [];
}

/// <summary>One shard: a small trial-like state machine (pending, leased, succeeded, failed) with its own fencing token.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.ShardState.v1")]
public sealed record ShardState
{
    [Id(0)] public required FeatureShardSpec Spec { get; init; }
    [Id(1)] public TrialStatus Status { get; init; } = TrialStatus.Pending;
    [Id(2)] public int Attempts { get; init; }
    [Id(3)] public long Token { get; init; }
    [Id(4)] public FeatureShardResult? Result { get; init; }
    [Id(5)] public IReadOnlyList<string> Errors { get; init; } = [];
}
