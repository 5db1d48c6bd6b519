using AftSweep.Contracts;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Grains.Features;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;

namespace AftSweep.Tests.Features;

/// <summary>One identity per feature set: the grain key, the store's blob prefix and the placement key agree.</summary>
public sealed class FeatureSetIdTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TeacherSpec Parse(string spec, string baseDirectory = "/grids") => TeacherSpec.Parse(spec, baseDirectory);

    [Fact]
    public void Key_DependsOnEveryPart_AndIsSixtyFourHex()
    {
        var noise = Parse("noise:8");
        var file = Parse("onnx-file:m.onnx?input=text&output=o");
        var keys = new[]
        {
            FeatureSetId.For(noise, null, "fp", "train").Key,
            FeatureSetId.For(Parse("noise:9"), null, "fp", "train").Key,
            FeatureSetId.For(Parse("noise:8?seed=1"), null, "fp", "train").Key,
            FeatureSetId.For(noise, null, "fp2", "train").Key,
            FeatureSetId.For(noise, null, "fp", "test").Key,
            FeatureSetId.For(noise, null, "fp", "train", "aft-features-2").Key,
            FeatureSetId.For(file, new string('a', 64), "fp", "train").Key,
            FeatureSetId.For(file, new string('b', 64), "fp", "train").Key,
            FeatureSetId.For(Parse("onnx-file:m.onnx?input=text&output=o&maxLength=128"), new string('a', 64), "fp", "train").Key,
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.All(keys, k => Assert.True(FeatureSetKey.IsValid(k), k));
    }

    [Fact]
    public void Key_IsPortable_TheSameFilesAnywhereGiveTheSameKey()
    {
        var here = FeatureSetId.For(Parse("features:feats", "/home/a/grid"), "f1", "fp", "train");
        var there = FeatureSetId.For(Parse("features:/mnt/b/feats", "/"), "f1", "fp", "train");

        Assert.Equal(here, there);
        Assert.Equal(here.Key, there.Key);
        Assert.Equal(CodeVersion.Extractor, here.Extractor);
    }

    [Fact]
    public void For_FileTeacherWithoutFingerprint_OrUnknownSplit_Throws()
    {
        Assert.Throws<ArgumentException>(() => FeatureSetId.For(Parse("features:x"), null, "fp", "train"));
        Assert.Throws<ArgumentException>(() => FeatureSetId.For(Parse("noise:8"), null, "fp", "dev"));
    }

    [Fact]
    public void PlacementKeys_FileTeacherWithoutFingerprint_AreNone_WithoutTouchingTheDisk()
    {
        var plan = TestPlans.Build("placement-keys", new TestCell(MethodId.Aft, [0.1], [0], [0], Combo: "t1"));
        var trial = plan.Cells[0].SelectionTrials[0];
        var missing = new TeacherRef("f", "features:/nowhere/at/all");

        Assert.Empty(FeatureSetId.PlacementKeys(trial with { Combo = [missing] }));
        Assert.Empty(FeatureSetId.PlacementKeys(trial with { DatasetFingerprint = "" }));
        var fingerprinted = trial with { Combo = [missing with { Fingerprint = new string('f', 64) }] };
        Assert.Equal(FeatureSetId.ForTrial(fingerprinted).Select(id => id.Key), FeatureSetId.PlacementKeys(fingerprinted));
        Assert.Equal(2, FeatureSetId.PlacementKeys(fingerprinted).Count);
    }

    [Fact]
    public async Task SweepGrainKey_StoreKey_AndPlacementKey_AreTheSame()
    {
        var plan = TestPlans.Build("one-identity", new TestCell(MethodId.Aft, [0.1], [0], [0], Combo: "t1+t22"));
        var dataset = TestDatasets.Vectors(trainRows: 20, testRows: 10, fingerprint: plan.DatasetFingerprint);
        using var store = new FeatureStore(new LocalFolderBlobStore(_temp.Sub("store")), new NoiseTestTeacherFactory(),
            new FeatureStoreOptions { ShardRows = 8 }, new LocalFeatureCache(_temp.Sub("cache")));
        var grainKeys = SweepFeaturePlan.For(plan).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        var trial = plan.Cells[0].SelectionTrials[0];

        var storeKeys = trial.Combo.SelectMany(t => new[] { SplitName.Train, SplitName.Test }.Select(s => store.KeyFor(t, dataset, s)))
            .Order(StringComparer.Ordinal).ToList();
        var placementKeys = WorkItem.ForTrial(trial, [plan.SweepId]).FeatureKeys.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(4, grainKeys.Count);
        Assert.Equal(grainKeys, storeKeys);
        Assert.Equal(grainKeys, placementKeys);
        Assert.Equal(grainKeys, SweepFeaturePlan.KeysFor(trial).Order(StringComparer.Ordinal));
        // ... and the blobs the store writes sit under that key.
        await store.GetAsync(trial.Combo[0], dataset, SplitName.Train, null, default);
        Assert.NotNull(await store.TryGetManifestAsync(store.KeyFor(trial.Combo[0], dataset, SplitName.Train)));
    }
}
