using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Storage;
using AftSweep.Workers.Engine;
using AftSweep.Grains.Features;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Numerics;
using FeatureSetStatus = AftSweep.Transfer.Features.FeatureSetStatus;

namespace AftSweep.Tests.Features;

/// <summary>
/// Stores written before <see cref="Contracts.Features.FeatureSetId"/> keep their sets under
/// <see cref="LegacyFeatureSetKey"/>: a new sweep's feature-set work finds them there, re-keys them and extracts nothing.
/// </summary>
public sealed class LegacyFeatureStoreTests : IDisposable
{
    private const int ShardRows = 64;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class FixedLoader(LoadedDataset dataset) : IDatasetLoader
    {
        public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default) => dataset;
    }

    private static FeatureStore Store(IBlobStore blobs, NoiseTestTeacherFactory teachers, LocalFeatureCache? cache = null) =>
        new(blobs, teachers, new FeatureStoreOptions { ShardRows = ShardRows }, cache);

    /// <summary>
    /// Moves a set to where layout 1 kept it: the manifest and every shard under the legacy key, the manifest's key and
    /// shard names with it, exactly the bytes the old store wrote (shard blobs do not contain their key).
    /// </summary>
    private static async Task<string> MoveToLegacyLayoutAsync(IBlobStore blobs, string key, string legacyKey)
    {
        var manifest = FeatureManifestSerializer.Parse((await blobs.GetAsync(FeatureSetKey.ManifestBlob(key))).Bytes.Span, "m");
        var shards = new List<ManifestShard>();
        foreach (var shard in manifest.Shards)
        {
            var bytes = (await blobs.GetAsync(shard.Blob)).Bytes;
            var moved = FeatureSetKey.ShardBlob(legacyKey, shard.Index);
            await blobs.PutAsync(moved, bytes);
            await blobs.DeleteAsync(shard.Blob);
            shards.Add(shard with { Blob = moved });
        }
        await blobs.PutAsync(FeatureSetKey.ManifestBlob(legacyKey), FeatureManifestSerializer.Serialize(manifest with { Key = legacyKey, Shards = shards }));
        await blobs.DeleteAsync(FeatureSetKey.ManifestBlob(key));
        return legacyKey;
    }

    [Fact]
    public async Task Sweep_StorePopulatedUnderLegacyKeys_FindsEverySetWithoutExtracting()
    {
        var plan = TestPlans.Build("legacy-store", new TestCell(MethodId.Aft, [0.1], [0], [0], Combo: "t1"));
        var dataset = TestDatasets.Vectors(trainRows: 300, testRows: 70, fingerprint: plan.DatasetFingerprint);
        var blobs = new LocalFolderBlobStore(_temp.Sub("store"));
        var requests = SweepFeaturePlan.For(plan);
        Assert.Equal(2, requests.Count); // one teacher, train and test

        // An older version extracted both sets and stored them under the legacy keys.
        var oldTeachers = new NoiseTestTeacherFactory();
        var expected = new Dictionary<string, FeatureMatrix>();
        using (var old = Store(blobs, oldTeachers))
        {
            foreach (var request in requests)
            {
                var shard = request.Shards[0];
                var split = shard.Split == "train" ? SplitName.Train : SplitName.Test;
                expected[request.Key] = await old.GetAsync(shard.Teacher, dataset, split, null, default);
                var teacher = oldTeachers.Made.Single(t => t.Spec == shard.Teacher.Spec);
                await MoveToLegacyLayoutAsync(blobs, request.Key, LegacyFeatureSetKey.Compute(teacher.Identity, dataset.Fingerprint, split));
            }
        }
        Assert.Equal(370, oldTeachers.RowsExtracted);
        Assert.All(requests, r => Assert.Null(blobs.TryGetAsync(FeatureSetKey.ManifestBlob(r.Key)).Result));

        // The new sweep's feature-set work items, run the way a worker slot runs them.
        var teachers = new NoiseTestTeacherFactory();
        using (var store = Store(blobs, teachers, new LocalFeatureCache(_temp.Sub("cache"))))
        {
            var runner = new FeatureStoreExtractionRunner(store, new FixedLoader(dataset));
            foreach (var request in requests)
            {
                var result = await runner.ExtractShardAsync(request.Shards[0], null, default);
                Assert.Equal(FeatureSetKey.ManifestBlob(request.Key), result.Blob);
                Assert.Equal(expected[request.Key].Rows, result.Rows);
            }
        }
        Assert.Equal(0, teachers.RowsExtracted);

        // Re-keyed: a fresh store (another silo) reads each set under its new key, bit-identical, still extracting nothing.
        var fresh = new NoiseTestTeacherFactory();
        using var reader = Store(blobs, fresh);
        foreach (var request in requests)
        {
            var manifest = await reader.TryGetManifestAsync(request.Key);
            Assert.Equal(request.Key, manifest!.Key);
            Assert.Equal(FeatureSetStatus.Complete, manifest.Status);
            Assert.All(manifest.Shards, s => Assert.DoesNotContain(request.Key, s.Blob)); // the legacy shards, not copies
            var shard = request.Shards[0];
            var features = await reader.GetAsync(shard.Teacher, dataset, shard.Split == "train" ? SplitName.Train : SplitName.Test, null, default);
            Assert.True(expected[request.Key].Data.AsSpan().SequenceEqual(features.Data), $"{shard.Split}: features differ after re-keying");
        }
        Assert.Equal(0, fresh.RowsExtracted);
    }

    [Fact]
    public async Task LegacySet_Partial_IsExtractedUnderTheNewKey()
    {
        var dataset = TestDatasets.Vectors(trainRows: 300, testRows: 70);
        var blobs = new LocalFolderBlobStore(_temp.Sub("store2"));
        var teacherRef = new TeacherRef("n", "noise:24");
        var oldTeachers = new NoiseTestTeacherFactory();
        using (var old = Store(blobs, oldTeachers))
        {
            await old.GetAsync(teacherRef, dataset, SplitName.Train, null, default);
            var legacyKey = await MoveToLegacyLayoutAsync(blobs, old.KeyFor(teacherRef, dataset, SplitName.Train),
                LegacyFeatureSetKey.Compute(oldTeachers.Made[0].Identity, dataset.Fingerprint, SplitName.Train));
            // As if the old version died after two shards: only a complete set is re-keyed.
            var blob = FeatureSetKey.ManifestBlob(legacyKey);
            var manifest = FeatureManifestSerializer.Parse((await blobs.GetAsync(blob)).Bytes.Span, blob);
            await blobs.PutAsync(blob, FeatureManifestSerializer.Serialize(manifest with { Status = FeatureSetStatus.Partial, Shards = manifest.Shards.Take(2).ToList() }));
        }

        var teachers = new NoiseTestTeacherFactory();
        using var store = Store(blobs, teachers);
        await store.GetAsync(teacherRef, dataset, SplitName.Train, null, default);

        Assert.Equal(300, teachers.RowsExtracted);
        var rebuilt = await store.TryGetManifestAsync(store.KeyFor(teacherRef, dataset, SplitName.Train));
        Assert.Equal(FeatureSetStatus.Complete, rebuilt!.Status);
        Assert.All(rebuilt.Shards, s => Assert.Equal(FeatureSetKey.ShardBlob(rebuilt.Key, s.Index), s.Blob));
    }
}
