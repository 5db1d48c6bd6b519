using AftSweep.Contracts;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Features;

public sealed partial class FeatureStore
{
    /// <summary>
    /// Extracts a set shard by shard. Each shard is written (atomically, by the blob store) before the partial
    /// manifest that lists it; the complete manifest is written last. On a rerun after an interruption, shards
    /// the partial manifest lists (verified by sha256) or that are present and self-consistent are reused.
    /// </summary>
    private async Task<FeatureMatrix> ExtractAsync(SetContext set, FeatureManifest? partial, string? etag, CancellationToken cancellationToken)
    {
        var shardRows = partial?.ShardRows ?? _options.ShardRows;
        var shardCount = (set.Rows + shardRows - 1) / shardRows;
        var data = GC.AllocateUninitializedArray<float>(checked(set.Rows * set.Dim));
        var listed = partial?.Shards.ToDictionary(s => s.Index) ?? [];
        var done = new List<ManifestShard>(shardCount);
        var created = partial?.CreatedUtc ?? _time.GetUtcNow();
        var reused = 0;
        set.ShardsTotal = shardCount;

        for (var i = 0; i < shardCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = i * shardRows;
            var rows = Math.Min(shardRows, set.Rows - start);
            var shard = await TryReuseShardAsync(set, i, start, rows, listed.GetValueOrDefault(i), data, cancellationToken).ConfigureAwait(false);
            if (shard is not null)
            {
                reused++;
                Instruments.ShardResumed();
                FeatureStoreLog.ShardResumed(_logger, shard.Blob);
            }
            else
            {
                if (i == reused) FeatureStoreLog.Extracting(_logger, set.Key, set.Teacher.Spec, set.Dataset.Spec.Name, set.SplitText, set.Rows, set.Dim, shardCount, reused);
                shard = await ExtractShardAsync(set, i, start, rows, data, cancellationToken).ConfigureAwait(false);
            }
            done.Add(shard);
            set.ShardsDone = i + 1;
            set.Report(start + rows, i + 1, shardCount, FeaturePhase.Extracting);
            if (i + 1 < shardCount)
                etag = await WriteManifestAsync(set, Manifest(set, shardRows, done, FeatureSetStatus.Partial, created), etag, cancellationToken).ConfigureAwait(false);
        }
        await WriteManifestAsync(set, Manifest(set, shardRows, done, FeatureSetStatus.Complete, created), etag, cancellationToken).ConfigureAwait(false);
        RememberComplete(set.Key, done);
        set.Report(set.Rows, shardCount, shardCount, FeaturePhase.Done);
        return new FeatureMatrix(set.Rows, set.Dim, data);
    }

    /// <summary>A finished shard from an earlier run, decoded into <paramref name="data"/>; null when it must be extracted.</summary>
    private async Task<ManifestShard?> TryReuseShardAsync(SetContext set, int index, int start, int rows, ManifestShard? listed, float[] data,
        CancellationToken cancellationToken)
    {
        if (listed is not null && listed.StartRow == start && listed.Rows == rows)
        {
            var (ok, problem, source) = await ReadShardAsync(listed, set.Dim, data, cancellationToken).ConfigureAwait(false);
            if (ok) return listed;
            FeatureStoreLog.ShardInvalid(_logger, listed.Blob, problem, source, start, start + rows);
            return null;
        }
        var blobKey = FeatureSetKey.ShardBlob(set.Key, index);
        var blob = await _store.TryGetAsync(blobKey, cancellationToken).ConfigureAwait(false);
        if (blob is null) return null;
        Instruments.BytesRead(FeatureInstrumentNames.SourceBlob, blob.Bytes.Length);
        if (!ShardVerifier.IsSelfConsistent(blob.Bytes.Span, start, rows, set.Dim, out var why))
        {
            Instruments.CorruptShard(FeatureInstrumentNames.SourceBlob);
            FeatureStoreLog.ShardInvalid(_logger, blobKey, why, _store.Description, start, start + rows);
            return null;
        }
        var offset = checked((int)((long)start * set.Dim));
        ShardFormat.DecodePayload(blob.Bytes.Span[ShardFormat.HeaderSize..], data.AsSpan(offset, rows * set.Dim));
        _cache?.Put(blobKey, blob.Bytes);
        return new ManifestShard(index, blobKey, start, rows, blob.Bytes.Length, ShardVerifier.Sha256Hex(blob.Bytes.Span));
    }

    /// <summary>Runs the teacher over rows [start, start + rows), checks its output, stores the shard, fills <paramref name="data"/>.</summary>
    private async Task<ManifestShard> ExtractShardAsync(SetContext set, int index, int start, int rows, float[] data, CancellationToken cancellationToken)
    {
        var teacherProgress = new RowProgress(set, start);
        var m = await set.Teacher.ExtractAsync(set.Dataset, set.Split, start, rows, teacherProgress, cancellationToken).ConfigureAwait(false);
        if (m.Rows != rows || m.Dim != set.Dim)
            throw new FeatureStoreException(
                $"teacher {set.Teacher.Spec} returned features [{m.Rows}, {m.Dim}] for {set.Dataset.Spec.Name}/{set.SplitText} rows [{start}, {start + rows}); expected [{rows}, {set.Dim}]");
        var bad = Array.FindIndex(m.Data, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new FeatureStoreException(
                $"teacher {set.Teacher.Spec} produced {m.Data[bad]} at {set.Dataset.Spec.Name}/{set.SplitText} row {start + bad / set.Dim}, column {bad % set.Dim}; features must be finite");
        Instruments.RowsExtracted(set.Teacher.Spec, rows);

        var bytes = ShardFormat.Encode(m, start);
        var blobKey = FeatureSetKey.ShardBlob(set.Key, index);
        await Contracts.Storage.BlobStoreExtensions.PutAsync(_store, blobKey, bytes, cancellationToken).ConfigureAwait(false);
        _cache?.Put(blobKey, bytes);
        Array.Copy(m.Data, 0, data, (long)start * set.Dim, (long)rows * set.Dim);
        return new ManifestShard(index, blobKey, start, rows, bytes.Length, ShardVerifier.Sha256Hex(bytes));
    }

    private static FeatureManifest Manifest(SetContext set, int shardRows, IReadOnlyList<ManifestShard> shards, FeatureSetStatus status,
        DateTimeOffset created) => new()
    {
        SchemaVersion = FeatureManifest.CurrentSchemaVersion,
        Key = set.Key,
        Status = status,
        Teacher = new ManifestTeacher(set.Teacher.Spec, set.Teacher.Identity, set.Dim),
        Dataset = new ManifestDataset(set.Dataset.Spec.Name, set.Dataset.Fingerprint),
        Split = set.SplitText,
        Rows = set.Rows,
        Dim = set.Dim,
        Dtype = FeatureManifest.DtypeFloat32,
        ShardRows = shardRows,
        Shards = shards.ToList(),
        Extractor = CodeVersion.Extractor,
        Libraries = LibraryVersions.Current,
        CreatedUtc = created,
        CompletedUtc = status == FeatureSetStatus.Complete ? DateTimeOffset.UtcNow : null,
    };

    /// <summary>Forwards the teacher's rows-done count as set-level progress, without a synchronisation context hop.</summary>
    private sealed class RowProgress(SetContext set, int startRow) : IProgress<int>
    {
        public void Report(int value) => set.Report(startRow + value, set.ShardsDone, set.ShardsTotal, FeaturePhase.Extracting);
    }
}
