using AftSweep.Contracts.Grid;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Workers.Engine;

namespace AftSweep.Tests.Features;

/// <summary>The placement hint a silo reports: the complete sets whose every shard is in its local cache, and no others.</summary>
public sealed class LocallyCachedSetsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Probe_ReportsSetsWholeInTheCache_AndDropsASetOnceAShardLeavesIt()
    {
        var dataset = TestDatasets.Vectors(trainRows: 100, testRows: 30);
        var blobs = new LocalFolderBlobStore(_temp.Sub("store"));
        var teacher = new TeacherRef("n", "noise:8");
        using (var writer = new FeatureStore(blobs, new NoiseTestTeacherFactory(), new FeatureStoreOptions { ShardRows = 32 }))
            await writer.GetAsync(teacher, dataset, SplitName.Train, null, default);

        var cache = new LocalFeatureCache(_temp.Sub("cache"));
        using var store = new FeatureStore(blobs, new NoiseTestTeacherFactory(), new FeatureStoreOptions { ShardRows = 32 }, cache);
        var probe = new FeatureStoreCacheProbe(store);
        Assert.Empty(probe.CachedFeatureKeys());

        await store.GetAsync(teacher, dataset, SplitName.Train, null, default); // read from the store: the cache fills
        await store.GetAsync(teacher, dataset, SplitName.Test, null, default);  // extracted here: written to the cache too
        var train = store.KeyFor(teacher, dataset, SplitName.Train);
        var test = store.KeyFor(teacher, dataset, SplitName.Test);
        Assert.Equal(new[] { test, train }.Order(StringComparer.Ordinal), probe.CachedFeatureKeys().Order(StringComparer.Ordinal));

        cache.Remove(FeatureSetKey.ShardBlob(train, 2));
        Assert.Equal([test], probe.CachedFeatureKeys());

        using var uncached = new FeatureStore(blobs, new NoiseTestTeacherFactory());
        await uncached.GetAsync(teacher, dataset, SplitName.Train, null, default);
        Assert.Empty(uncached.LocallyCachedSetKeys()); // a store without a local cache holds nothing "locally"
    }
}
