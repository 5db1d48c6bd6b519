using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Features;

/// <summary>
/// Extracts one feature shard on a worker slot (teacher forward passes over a row range) and stores it. Declared here,
/// implemented by the worker runtime (AftSweep.Workers' FeatureStoreExtractionRunner over the feature store): a silo
/// without one runs no shard work items, and its sweeps do not gate on feature sets.
/// </summary>
public interface IFeatureExtractionRunner
{
    Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken);
}
