using System.Text;
using AftSweep.Contracts.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Storage;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Tests.Features;

/// <summary>The feature store over both backends: the local folder, and Azure Blob (Azurite) with a local cache.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FeatureStoreTests(AzuriteFixture azurite) : IDisposable
{
    private const string Spec = "noise:24";
    private const int ShardRows = 64;
    private readonly TempDirectory _temp = new();
    private readonly LoadedDataset _dataset = TestDatasets.Vectors(trainRows: 300, testRows: 70); // 5 shards: 4 x 64 + 44

    public void Dispose() => _temp.Dispose();

    private (FeatureStore Store, NoiseTestTeacherFactory Teachers) Make(IBlobStore blobs, bool withCache, string cacheName = "cache")
    {
        var teachers = new NoiseTestTeacherFactory();
        var cache = withCache ? new LocalFeatureCache(_temp.Sub(cacheName)) : null;
        return (new FeatureStore(blobs, teachers, new FeatureStoreOptions { ShardRows = ShardRows }, cache), teachers);
    }

    private static FeatureMatrix Direct(LoadedDataset d, SplitName split)
    {
        using var t = new NoiseTestTeacher(24, Spec);
        return t.ExtractAsync(d, split, 0, d.Split(split).Rows, null, default).GetAwaiter().GetResult();
    }

    private static void AssertBitIdentical(FeatureMatrix expected, FeatureMatrix actual)
    {
        Assert.Equal((expected.Rows, expected.Dim), (actual.Rows, actual.Dim));
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), "feature values differ");
    }

    [Theory, InlineData("local", false), InlineData("azure", true)]
    public async Task FeatureStore_ExtractThenReloadInFreshStore_IsBitIdenticalWithoutExtracting(string backend, bool cache)
    {
        var blobs = TestStores.Create(backend, azurite, _temp);
        var (first, firstTeachers) = Make(blobs, cache, "cache1");
        var extracted = await first.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        Assert.Equal(300, firstTeachers.RowsExtracted);
        AssertBitIdentical(Direct(_dataset, SplitName.Train), extracted);

        var (second, secondTeachers) = Make(blobs, cache, "cache2"); // another silo: empty cache, same blob store
        var reloaded = await second.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        AssertBitIdentical(extracted, reloaded);
        Assert.Equal(0, secondTeachers.RowsExtracted);
        var stats = second.Instruments.Snapshot();
        Assert.Equal(4 * ShardFormat.BlobLength(ShardRows, 24) + ShardFormat.BlobLength(44, 24), stats.BlobBytesRead);
        if (cache)
        {
            Assert.Equal(5, stats.CacheMisses);
            var again = await second.GetAsync(Spec, _dataset, SplitName.Train, null, default);
            AssertBitIdentical(extracted, again);
            Assert.Equal(5, second.Instruments.Snapshot().CacheHits);
        }

        var manifest = await second.TryGetManifestAsync(second.KeyFor(Spec, _dataset, SplitName.Train));
        Assert.Equal(FeatureSetStatus.Complete, manifest!.Status);
        Assert.Equal(FeatureManifest.CurrentSchemaVersion, manifest.SchemaVersion);
        Assert.Equal([0, 64, 128, 192, 256], manifest.Shards.Select(s => s.StartRow));
        Assert.Equal(44, manifest.Shards[^1].Rows);
        Assert.Equal("float32", manifest.Dtype);
        Assert.Equal("tiny", manifest.Dataset.Name);
        Assert.Equal(Spec, manifest.Teacher.Spec);
    }

    [Fact]
    public async Task FeatureStore_TrainAndTest_AreDifferentSets()
    {
        var (store, _) = Make(TestStores.Create("local", azurite, _temp), withCache: false);
        var train = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var test = await store.GetAsync(Spec, _dataset, SplitName.Test, null, default);
        Assert.Equal(70, test.Rows);
        Assert.NotEqual(store.KeyFor(Spec, _dataset, SplitName.Train), store.KeyFor(Spec, _dataset, SplitName.Test));
        AssertBitIdentical(Direct(_dataset, SplitName.Test), test);
        Assert.Equal(300, train.Rows);
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task FeatureStore_ByteFlippedInStoredShard_IsDetectedAndReextracted(string backend)
    {
        var blobs = TestStores.Create(backend, azurite, _temp);
        var (writer, _) = Make(blobs, withCache: false);
        var original = await writer.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var key = writer.KeyFor(Spec, _dataset, SplitName.Train);
        await TestStores.FlipByteAsync(blobs, FeatureSetKey.ShardBlob(key, 2), ShardFormat.HeaderSize + 100);

        var (reader, teachers) = Make(blobs, withCache: false);
        var read = await reader.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        AssertBitIdentical(original, read);
        Assert.Equal(ShardRows, teachers.RowsExtracted); // exactly the corrupt shard's rows
        Assert.Equal(1, reader.Instruments.Snapshot().CorruptShards);

        // The store holds a good shard again: a third reader extracts nothing.
        var (third, thirdTeachers) = Make(blobs, withCache: false);
        AssertBitIdentical(original, await third.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Equal(0, thirdTeachers.RowsExtracted);
    }

    [Fact]
    public async Task FeatureStore_ByteFlippedInBothCacheAndBlob_IsReextracted()
    {
        var blobs = TestStores.Create("azure", azurite, _temp);
        var (store, teachers) = Make(blobs, withCache: true);
        var original = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var key = store.KeyFor(Spec, _dataset, SplitName.Train);
        var shard = FeatureSetKey.ShardBlob(key, 1);
        TestStores.FlipFileByte(Path.Combine(store.Cache!.Root, shard), ShardFormat.HeaderSize + 7);
        await TestStores.FlipByteAsync(blobs, shard, ShardFormat.HeaderSize + 9);

        var (again, againTeachers) = Make(blobs, withCache: true); // same cache folder, fresh process
        var read = await again.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        AssertBitIdentical(original, read);
        Assert.Equal(ShardRows, againTeachers.RowsExtracted);
        Assert.Equal(2, again.Instruments.Snapshot().CorruptShards); // once in the cache, once in the blob store
    }

    [Fact]
    public async Task FeatureStore_ByteFlippedInCacheOnly_IsRefetchedFromBlobNotExtracted()
    {
        var blobs = TestStores.Create("azure", azurite, _temp);
        var (store, _) = Make(blobs, withCache: true);
        var original = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var shard = FeatureSetKey.ShardBlob(store.KeyFor(Spec, _dataset, SplitName.Train), 0);
        TestStores.FlipFileByte(Path.Combine(store.Cache!.Root, shard), 20); // in the header

        var (again, teachers) = Make(blobs, withCache: true);
        AssertBitIdentical(original, await again.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Equal(0, teachers.RowsExtracted);
        var stats = again.Instruments.Snapshot();
        Assert.Equal((4, 1, 1), (stats.CacheHits, stats.CacheMisses, stats.CorruptShards));
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task FeatureStore_MissingShard_IsReextracted(string backend)
    {
        var blobs = TestStores.Create(backend, azurite, _temp);
        var (writer, _) = Make(blobs, withCache: false);
        var original = await writer.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        await blobs.DeleteAsync(FeatureSetKey.ShardBlob(writer.KeyFor(Spec, _dataset, SplitName.Train), 4));
        var (reader, teachers) = Make(blobs, withCache: false);
        AssertBitIdentical(original, await reader.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Equal(44, teachers.RowsExtracted);
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task FeatureStore_InterruptedExtraction_ResumesReusingFinishedShards(string backend)
    {
        var blobs = TestStores.Create(backend, azurite, _temp);
        var (store, teachers) = Make(blobs, withCache: false);
        using var cts = new CancellationTokenSource();
        teachers.Configure = t => t.BeforeExtract = (call, _, _) =>
        {
            if (call == 3) cts.Cancel(); // two shards finished, the third is interrupted
            return Task.CompletedTask;
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(Spec, _dataset, SplitName.Train, null, cts.Token));
        var key = store.KeyFor(Spec, _dataset, SplitName.Train);
        var partial = await store.TryGetManifestAsync(key);
        Assert.Equal(FeatureSetStatus.Partial, partial!.Status);
        Assert.Equal(2, partial.Shards.Count);

        var progress = new List<FeatureProgress>();
        var (resumed, resumedTeachers) = Make(blobs, withCache: false);
        var result = await resumed.GetAsync(Spec, _dataset, SplitName.Train, new SyncProgress(progress), default);
        AssertBitIdentical(Direct(_dataset, SplitName.Train), result);
        Assert.Equal(300 - 2 * ShardRows, resumedTeachers.RowsExtracted);
        Assert.Equal(2, resumed.Instruments.Snapshot().ResumedShards);
        Assert.Equal(FeatureSetStatus.Complete, (await resumed.TryGetManifestAsync(key))!.Status);
        Assert.Equal(FeaturePhase.Done, progress[^1].Phase);
        Assert.Equal(300, progress[^1].RowsDone);
        Assert.Contains(progress, p => p is { Phase: FeaturePhase.Extracting, ShardsTotal: 5 });
    }

    [Fact]
    public async Task FeatureStore_ShardsWrittenButManifestLost_AreReusedAfterSelfCheck()
    {
        var blobs = TestStores.Create("local", azurite, _temp);
        var (store, _) = Make(blobs, withCache: false);
        var original = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var key = store.KeyFor(Spec, _dataset, SplitName.Train);
        await blobs.DeleteAsync(FeatureSetKey.ManifestBlob(key)); // as if the process died before any manifest write
        await TestStores.FlipByteAsync(blobs, FeatureSetKey.ShardBlob(key, 3), ShardFormat.HeaderSize + 1);

        var (again, teachers) = Make(blobs, withCache: false);
        AssertBitIdentical(original, await again.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Equal(ShardRows, teachers.RowsExtracted); // 4 shards pass their own check, the flipped one does not
        Assert.Equal(4, again.Instruments.Snapshot().ResumedShards);
    }

    [Fact]
    public async Task FeatureStore_ConcurrentRequestsForOneSet_ExtractOnce()
    {
        var (store, teachers) = Make(TestStores.Create("local", azurite, _temp), withCache: false);
        teachers.Configure = t => t.BeforeExtract = (_, _, ct) => Task.Delay(20, ct); // keep the first run in flight
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => store.GetAsync(Spec, _dataset, SplitName.Train, null, default))));
        Assert.Equal(300, teachers.RowsExtracted);
        Assert.All(results, r => AssertBitIdentical(results[0], r));
    }

    [Fact]
    public async Task FeatureStore_ManifestWithNewerSchema_IsRefusedAndKept()
    {
        var blobs = TestStores.Create("local", azurite, _temp);
        var (store, teachers) = Make(blobs, withCache: false);
        await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var key = store.KeyFor(Spec, _dataset, SplitName.Train);
        var manifestKey = FeatureSetKey.ManifestBlob(key);
        var json = Encoding.UTF8.GetString((await blobs.GetAsync(manifestKey)).Bytes.Span).Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2");
        await blobs.PutAsync(manifestKey, Encoding.UTF8.GetBytes(json));

        var (reader, readerTeachers) = Make(blobs, withCache: false);
        var e = await Assert.ThrowsAsync<FeatureSchemaException>(() => reader.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Contains(manifestKey, e.Message);
        Assert.Contains("schemaVersion 2 is newer", e.Message);
        Assert.Contains("upgrade", e.Message);
        Assert.Equal(0, readerTeachers.RowsExtracted);
        Assert.Equal(json, Encoding.UTF8.GetString((await blobs.GetAsync(manifestKey)).Bytes.Span));
    }

    [Fact]
    public async Task FeatureStore_UnreadableManifest_IsRebuilt()
    {
        var blobs = TestStores.Create("local", azurite, _temp);
        var (store, _) = Make(blobs, withCache: false);
        var original = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        var manifestKey = FeatureSetKey.ManifestBlob(store.KeyFor(Spec, _dataset, SplitName.Train));
        await blobs.PutAsync(manifestKey, "{ \"schemaVersion\": 1, \"key\": tru"u8.ToArray());
        var (again, teachers) = Make(blobs, withCache: false);
        AssertBitIdentical(original, await again.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Equal(0, teachers.RowsExtracted); // shards were fine: reused by self-check
        Assert.Equal(FeatureSetStatus.Complete, (await again.TryGetManifestAsync(store.KeyFor(Spec, _dataset, SplitName.Train)))!.Status);
    }

    [Fact]
    public async Task FeatureStore_TeacherReturningWrongShape_FailsNamingTeacherAndRows()
    {
        var (store, teachers) = Make(TestStores.Create("local", azurite, _temp), withCache: false);
        teachers.Configure = t => t.WrongRows = 3;
        var e = await Assert.ThrowsAsync<FeatureStoreException>(() => store.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Contains("teacher noise:24 returned features [3, 24]", e.Message);
        Assert.Contains("rows [0, 64)", e.Message);
    }

    [Fact]
    public async Task FeatureStore_UnreachableBlobStore_FailsCleanly()
    {
        var flaky = new FlakyBlobStore(new AftSweep.Infra.Storage.LocalFolderBlobStore(_temp.Sub("s"))) { FailuresLeft = 1000 };
        var blobs = new AftSweep.Infra.Storage.ResilientBlobStore(flaky, TestStores.FastOptions());
        var (store, teachers) = Make(blobs, withCache: false);
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.GetAsync(Spec, _dataset, SplitName.Train, null, default));
        Assert.Contains("manifest.json", e.Message);
        Assert.Equal(0, teachers.RowsExtracted);
    }

    [Fact]
    public async Task FeatureStore_TransientBlobFailuresDuringExtraction_AreRetried()
    {
        var flaky = new FlakyBlobStore(new AftSweep.Infra.Storage.LocalFolderBlobStore(_temp.Sub("s")));
        var blobs = new AftSweep.Infra.Storage.ResilientBlobStore(flaky, TestStores.FastOptions());
        var (store, teachers) = Make(blobs, withCache: false);
        flaky.FailuresLeft = 2;
        var features = await store.GetAsync(Spec, _dataset, SplitName.Train, null, default);
        AssertBitIdentical(Direct(_dataset, SplitName.Train), features);
        Assert.Equal(300, teachers.RowsExtracted);
    }

    /// <summary>Records progress synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(List<FeatureProgress> into) : IProgress<FeatureProgress>
    {
        public void Report(FeatureProgress value) { lock (into) into.Add(value); }
    }
}
