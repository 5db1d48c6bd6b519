using System.Collections.Concurrent;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Features;

public sealed partial class FeatureStore
{
    /// <summary>
    /// Reads every shard of a complete set in parallel into one preallocated array; shards that are missing or
    /// fail verification in both the cache and the store are re-extracted afterwards.
    /// </summary>
    private async Task<FeatureMatrix> ReadCompleteAsync(SetContext set, FeatureManifest manifest, string etag, CancellationToken cancellationToken)
    {
        // Every element is overwritten by a shard (or the call fails), so skip zeroing 100s of MB.
        var data = GC.AllocateUninitializedArray<float>(checked(manifest.Rows * manifest.Dim));
        var failed = await ReadShardsIntoAsync(manifest, data, set, cancellationToken).ConfigureAwait(false);

        if (!failed.IsEmpty)
        {
            var shards = manifest.Shards.ToList();
            var changed = false;
            foreach (var (shard, problem, source) in failed.OrderBy(f => f.Shard.Index))
            {
                FeatureStoreLog.ShardInvalid(_logger, shard.Blob, problem, source, shard.StartRow, shard.StartRow + shard.Rows);
                var fresh = await ExtractShardAsync(set, shard.Index, shard.StartRow, shard.Rows, data, cancellationToken).ConfigureAwait(false);
                if (fresh.Sha256 != shard.Sha256)
                {
                    // The teacher is not bit-reproducible here (e.g. another ONNX Runtime build): record what is stored now.
                    shards[shards.IndexOf(shard)] = fresh;
                    changed = true;
                }
            }
            if (changed) await WriteManifestAsync(set, manifest with { Shards = shards }, etag, cancellationToken).ConfigureAwait(false);
            RememberComplete(set.Key, shards);
        }
        else RememberComplete(set.Key, manifest.Shards);
        set.Report(manifest.Rows, manifest.Shards.Count, manifest.Shards.Count, FeaturePhase.Done);
        return new FeatureMatrix(manifest.Rows, manifest.Dim, data);
    }

    /// <summary>
    /// Reads every shard of a complete set into <paramref name="destination"/> (Rows x Dim floats, reusable
    /// between calls), verifying each by sha256; no extraction. False when some shard was missing or corrupt
    /// (its rows are then undefined): <see cref="GetAsync(string, LoadedDataset, SplitName, IProgress{FeatureProgress}?, CancellationToken)"/>
    /// is the call that repairs.
    /// </summary>
    public async Task<bool> TryReadIntoAsync(FeatureManifest manifest, float[] destination, CancellationToken cancellationToken = default)
    {
        if (manifest.Status != FeatureSetStatus.Complete) throw new ArgumentException($"feature set {manifest.Key} is not complete", nameof(manifest));
        if (destination.LongLength != (long)manifest.Rows * manifest.Dim)
            throw new ArgumentException($"destination holds {destination.LongLength} floats; the set is {manifest.Rows} x {manifest.Dim}", nameof(destination));
        return (await ReadShardsIntoAsync(manifest, destination, null, cancellationToken).ConfigureAwait(false)).IsEmpty;
    }

    private async Task<ConcurrentBag<(ManifestShard Shard, string Problem, string Source)>> ReadShardsIntoAsync(FeatureManifest manifest, float[] data,
        SetContext? set, CancellationToken cancellationToken)
    {
        var failed = new ConcurrentBag<(ManifestShard Shard, string Problem, string Source)>();
        var done = 0;
        long rowsDone = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ReadParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(manifest.Shards, parallel, async (shard, ct) =>
        {
            var (ok, problem, source) = await ReadShardAsync(shard, manifest.Dim, data, ct).ConfigureAwait(false);
            if (!ok) failed.Add((shard, problem, source));
            var rows = Interlocked.Add(ref rowsDone, shard.Rows);
            set?.Report(rows, Interlocked.Increment(ref done), manifest.Shards.Count, FeaturePhase.Reading);
        }).ConfigureAwait(false);
        return failed;
    }

    /// <summary>One shard into its rows of <paramref name="data"/>: local cache first, then the blob store (which refills the cache).</summary>
    private async Task<(bool Ok, string Problem, string Source)> ReadShardAsync(ManifestShard shard, int dim, float[] data, CancellationToken cancellationToken)
    {
        var offset = checked((int)((long)shard.StartRow * dim));
        var count = shard.Rows * dim;
        if (_cache is not null)
        {
            var path = _cache.TryGetPath(shard.Blob);
            if (path is not null)
            {
                var outcome = ShardVerifier.ReadFileInto(path, shard, dim, data.AsSpan(offset, count), out var cacheProblem);
                if (outcome == ShardReadOutcome.Ok)
                {
                    Instruments.CacheHit();
                    Instruments.BytesRead(FeatureInstrumentNames.SourceLocal, shard.Bytes);
                    return (true, "", FeatureInstrumentNames.SourceLocal);
                }
                if (outcome == ShardReadOutcome.Corrupt)
                {
                    Instruments.CorruptShard(FeatureInstrumentNames.SourceLocal);
                    FeatureStoreLog.ShardInvalid(_logger, shard.Blob, cacheProblem, "local cache", shard.StartRow, shard.StartRow + shard.Rows);
                }
                _cache.Remove(shard.Blob);
            }
            Instruments.CacheMiss();
        }

        var blob = await _store.TryGetAsync(shard.Blob, cancellationToken).ConfigureAwait(false);
        if (blob is null) return (false, "is missing", _store.Description);
        Instruments.BytesRead(FeatureInstrumentNames.SourceBlob, blob.Bytes.Length);
        var result = ShardVerifier.VerifyAndDecode(blob.Bytes.Span, shard, dim, data.AsSpan(offset, count), out var problem);
        if (result != ShardReadOutcome.Ok)
        {
            Instruments.CorruptShard(FeatureInstrumentNames.SourceBlob);
            return (false, problem, _store.Description);
        }
        _cache?.Put(shard.Blob, blob.Bytes);
        return (true, "", FeatureInstrumentNames.SourceBlob);
    }
}
