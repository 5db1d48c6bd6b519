using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Features;

namespace AftSweep.Tests.Features;

public sealed class LocalFeatureCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ReadOnlyMemory<byte> Bytes(int n, byte fill) => Enumerable.Repeat(fill, n).ToArray();

    [Fact]
    public void LocalFeatureCache_OverSizeLimit_EvictsLeastRecentlyUsed()
    {
        var cache = new LocalFeatureCache(_temp.Path, maxBytes: 300);
        var evicted = new List<string>();
        cache.Evicted += evicted.Add;
        cache.Put("f/a.bin", Bytes(100, 1));
        cache.Put("f/b.bin", Bytes(100, 2));
        cache.Put("f/c.bin", Bytes(100, 3));
        Assert.NotNull(cache.TryGetPath("f/a.bin")); // a is now more recent than b
        cache.Put("f/d.bin", Bytes(100, 4));

        Assert.Equal(["f/b.bin"], evicted);
        Assert.False(cache.Contains("f/b.bin"));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "f", "b.bin")));
        Assert.True(cache.Contains("f/a.bin") && cache.Contains("f/c.bin") && cache.Contains("f/d.bin"));
        Assert.Equal(300, cache.TotalBytes);

        cache.Put("f/e.bin", Bytes(150, 5)); // needs two evictions: c then a (d and e are newest)
        Assert.Equal(["f/b.bin", "f/c.bin", "f/a.bin"], evicted);
        Assert.Equal(250, cache.TotalBytes);
    }

    [Fact]
    public void LocalFeatureCache_Reopened_KeepsEntriesAndRecencyFromDisk()
    {
        var first = new LocalFeatureCache(_temp.Path, maxBytes: 1000);
        first.Put("f/old.bin", Bytes(100, 1));
        first.Put("f/new.bin", Bytes(100, 2));
        File.SetLastWriteTimeUtc(Path.Combine(_temp.Path, "f", "old.bin"), DateTime.UtcNow.AddHours(-1));
        File.WriteAllBytes(Path.Combine(_temp.Path, "f", "x.bin.1234.aftsweep-tmp"), new byte[10]); // crash leftover

        var reopened = new LocalFeatureCache(_temp.Path, maxBytes: 150);
        Assert.Equal(1, reopened.Count);
        Assert.True(reopened.Contains("f/new.bin"));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.aftsweep-tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void LocalFeatureCache_EntryLargerThanLimit_IsNotCached()
    {
        var cache = new LocalFeatureCache(_temp.Path, maxBytes: 50);
        cache.Put("f/a.bin", Bytes(40, 1));
        cache.Put("f/big.bin", Bytes(60, 2));
        Assert.False(cache.Contains("f/big.bin"));
        Assert.True(cache.Contains("f/a.bin"));
    }

    [Fact]
    public async Task FeatureStore_CacheSmallerThanSet_EvictsAndStillReadsCorrectly()
    {
        var dataset = TestDatasets.Vectors(200, 10);
        var blobs = new AftSweep.Infra.Storage.LocalFolderBlobStore(_temp.Sub("store"));
        var shardBytes = ShardFormat.BlobLength(50, 8);
        var cache = new LocalFeatureCache(_temp.Sub("cache"), maxBytes: 2 * shardBytes);
        using var store = new FeatureStore(blobs, new NoiseTestTeacherFactory(), new FeatureStoreOptions { ShardRows = 50, ReadParallelism = 1 }, cache);
        var first = await store.GetAsync("noise:8", dataset, Transfer.Data.SplitName.Train, null, default);
        Assert.Equal(2, cache.Count);
        Assert.True(cache.TotalBytes <= cache.MaxBytes);
        var second = await store.GetAsync("noise:8", dataset, Transfer.Data.SplitName.Train, null, default);
        Assert.True(first.Data.AsSpan().SequenceEqual(second.Data));
        Assert.True(store.Instruments.Snapshot().CacheEvictions >= 2);
    }
}
