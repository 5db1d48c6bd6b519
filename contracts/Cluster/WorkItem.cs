using AftSweep.Contracts.Features;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>What a worker slot can lease. Numbers are persisted: never renumber.</summary>
public enum WorkKind
{
    Trial = 1,
    FeatureShard = 2,
}

/// <summary>One unit of work in the dispatcher's queue: a trial, or a feature shard to extract.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.WorkItem.v1")]
public sealed record WorkItem
{
    [Id(0)] public required WorkKind Kind { get; init; }
    /// <summary>The trial id, or "featureSetKey#shardIndex" (see <see cref="FeatureShardSpec.WorkKey"/>).</summary>
    [Id(1)] public required string Key { get; init; }
    /// <summary>Sweeps waiting for this item (a content-addressed trial can serve several).</summary>
    [Id(2)] public IReadOnlyList<string> SweepIds { get; init; } = [];
    [Id(3)] public TrialSpec? Trial { get; init; }
    [Id(4)] public FeatureShardSpec? Shard { get; init; }
    /// <summary>Affinity hint: the <see cref="FeatureSetId.Key"/>s of the feature sets the trial reads; a silo whose local
    /// cache holds them all is the better place to run it.</summary>
    [Id(5)] public IReadOnlyList<string> FeatureKeys { get; init; } = [];

    /// <summary>"auto", "cpu", "cuda" or "cuda:N": which slots may run it.</summary>
    public string Device => Trial?.Training.Device ?? "auto";

    public static WorkItem ForTrial(TrialSpec spec, IEnumerable<string> sweepIds) => new()
    {
        Kind = WorkKind.Trial,
        Key = spec.Id,
        SweepIds = sweepIds.Distinct(StringComparer.Ordinal).ToList(),
        Trial = spec,
        FeatureKeys = FeatureSetId.PlacementKeys(spec),
    };

    public static WorkItem ForShard(FeatureShardSpec shard) => new()
    {
        Kind = WorkKind.FeatureShard,
        Key = shard.WorkKey,
        Shard = shard,
    };
}
