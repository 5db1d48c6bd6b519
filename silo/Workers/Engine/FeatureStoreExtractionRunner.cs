using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Features;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Workers.Slots;

namespace AftSweep.Workers.Engine;

/// <summary>
/// Runs a feature-set work item on a worker slot: loads the dataset and has the feature store extract (or find) the
/// teacher's features of the split, so they are in the store before any trial needs them. The result names the
/// set's manifest blob, its rows and dimension, and a sha256 over its shards' sha256s (in order).
/// </summary>
public sealed class FeatureStoreExtractionRunner(FeatureStore store, IDatasetLoader loader) : IFeatureExtractionRunner
{
    public async Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
    {
        var split = shard.Split switch
        {
            "train" => SplitName.Train,
            "test" => SplitName.Test,
            _ => throw new InvalidDataException($"feature shard {shard.WorkKey}: split '{shard.Split}' is not 'train' or 'test'"),
        };
        if (shard.RowStart != 0 || shard.RowCount != 0)
            throw new InvalidDataException($"feature shard {shard.WorkKey}: rows {shard.RowStart}+{shard.RowCount}: this runner extracts whole splits (RowStart 0, RowCount 0)");
        var dataset = await Task.Run(() => loader.Load(shard.Dataset, shard.SplitSeed, cancellationToken), cancellationToken).ConfigureAwait(false);
        // One identity: the grain's key is the store's key for the same teacher, dataset and split.
        var key = store.KeyFor(shard.Teacher, dataset, split);
        if (key != shard.FeatureSetKey)
            throw new InvalidDataException(
                $"feature shard {shard.WorkKey}: the feature store keys teacher '{shard.Teacher.Spec}' on {shard.Dataset.Name}/{shard.Split} as {key} " +
                $"(dataset fingerprint {dataset.Fingerprint}), not {shard.FeatureSetKey} (dataset fingerprint {shard.DatasetFingerprint})");
        await store.GetAsync(shard.Teacher, dataset, split, null, cancellationToken).ConfigureAwait(false);
        var manifest = await store.TryGetManifestAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"feature shard {shard.WorkKey}: the feature store holds no manifest for set {key} after extracting it");
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", manifest.Shards.Select(s => s.Sha256)))));
        progress?.Report(new TrialProgress(manifest.Rows, manifest.Rows, 0, "features"));
        return new FeatureShardResult(FeatureSetKey.ManifestBlob(key), manifest.Rows, manifest.Dim, digest);
    }
}
