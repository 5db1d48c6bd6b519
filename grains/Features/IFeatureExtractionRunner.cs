using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Features;

/// <summary>
/// Extracts one feature shard on a worker slot (teacher forward passes over a row range) and stores it. The feature
/// store implements it; a silo without one runs no shard work items.
/// </summary>
public interface IFeatureExtractionRunner
{
    Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken);
}
