using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AftSweep.Tests.Training;

public sealed class TrialExecutorTests
{
    private const int Dim = 6;
    private const int Classes = 3;
    private static readonly TeacherRef Good = new("good", "precomputed:good");
    private static readonly TeacherRef Noise = new("noise", "noise:4");

    private sealed class FakeLoader(LoadedDataset dataset) : IDatasetLoader
    {
        public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default) => dataset;
    }

    /// <summary>Teacher features by (teacher, split); optionally wrong row counts to test the checks.</summary>
    private sealed class FakeFeatures(Func<TeacherRef, LabeledSplit, FeatureMatrix> make) : IFeatureSource
    {
        public Task<FeatureMatrix> GetAsync(TeacherRef teacher, LoadedDataset dataset, SplitName split, CancellationToken cancellationToken) =>
            Task.FromResult(make(teacher, dataset.Split(split)));
    }

    private static LoadedDataset Dataset(LabeledSplit? train = null) => new()
    {
        Spec = DatasetSpecFor("blobs"),
        Fingerprint = "abc",
        Train = train ?? Synthetic.Blobs(200, Dim, Classes, 0.3, seed: 1),
        Test = Synthetic.Blobs(90, Dim, Classes, 0.3, seed: 2),
        ClassNames = ["a", "b", "c"],
    };

    private static DatasetSpec DatasetSpecFor(string name) => new()
    {
        Name = name, Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy, Train = new SplitSource(), Test = new SplitSource(),
    };

    private static TrialSpec Spec(MethodId method, TrialStage stage, params TeacherRef[] combo) => new()
    {
        Id = "t123",
        Stage = stage,
        Method = method,
        Combo = combo,
        Seed = 0,
        Dataset = DatasetSpecFor("blobs"),
        DatasetFingerprint = "abc",
        Downstream = new DownstreamSpec { Model = "mlp" },
        Training = new TrainingConfig { Steps = 50, BatchSize = 32, Lr = 5e-2, Device = "cpu" }
            .Resolve(MethodCatalog.Get(method), DatasetKind.Vectors),
        HoldoutFraction = 0.1,
        SplitSeed = 42,
    };

    private static TrialExecutor Executor(LoadedDataset dataset, Func<TeacherRef, LabeledSplit, FeatureMatrix>? features = null) =>
        new(new FakeLoader(dataset),
            new FakeFeatures(features ?? ((t, split) => Synthetic.TeacherFeatures(split.Labels, t == Noise ? 4 : 5, informative: t == Good, seed: split.Rows))),
            Options.Create(new TrialExecutorOptions()), NullLogger<TrialExecutor>.Instance);

    [Fact]
    public async Task Execute_LinearProbeOnInformativeFeatures_LearnsOnTest()
    {
        var result = await Executor(Dataset()).ExecuteAsync(Spec(MethodId.LinearProbe, TrialStage.Final, Good), null, CancellationToken.None);
        Assert.Equal("test", result.EvaluatedOn);
        Assert.Equal(90, result.EvalRows);
        Assert.Equal(200, result.TrainRows);
        Assert.True(result.Accuracy > 0.9, $"linear probe accuracy {result.Accuracy}");
        Assert.Equal("cpu", result.Device);
        Assert.Equal("0.107.0", result.Versions["TorchSharp"]);
        Assert.True(result.StepsPerSecond > 0);
        Assert.True(result.WallSeconds > 0);
    }

    [Fact]
    public async Task Execute_LinearProbe_RecordsItsL2ChoiceAndIgnoresTheStepBudget()
    {
        var spec = Spec(MethodId.LinearProbe, TrialStage.Final, Good);
        var few = await Executor(Dataset()).ExecuteAsync(spec with { Training = spec.Training with { Steps = 1, Lr = 1e-6 } }, null, CancellationToken.None);
        var many = await Executor(Dataset()).ExecuteAsync(spec with { Training = spec.Training with { Steps = 5000 } }, null, CancellationToken.None);

        Assert.Equal(few.Accuracy, many.Accuracy);
        var probe = Assert.IsType<LinearProbeResult>(few.Probe);
        Assert.Equal(many.Probe!.L2, probe.L2);
        Assert.Equal(20, probe.HoldoutRows); // the selection stage's 10% of the 200 training rows (split seed 42)
        Assert.Equal(7, probe.Candidates.Count);
        Assert.Contains(probe.Candidates, c => c.L2 == probe.L2 && c.HoldoutAccuracy > 0.9);
        Assert.True(probe.Converged, $"stopped by {probe.Stop}");
        Assert.Equal(probe.Iterations, few.Steps);
        Assert.Empty(few.Curve);
        Assert.Null((await Executor(Dataset()).ExecuteAsync(Spec(MethodId.Stl, TrialStage.Final), null, CancellationToken.None)).Probe);
    }

    [Fact]
    public async Task Execute_FinalAft_ProbesTheRhoWeightedTeacherFeatures()
    {
        var spec = Spec(MethodId.Aft, TrialStage.Final, Good, Noise) with { Lambda = 1 };
        var result = await Executor(Dataset()).ExecuteAsync(spec, null, CancellationToken.None);

        var weighted = Assert.IsType<RhoWeightedProbe>(result.RhoWeightedProbe);
        Assert.Equal(9, result.Rho.Count); // good (5) + noise (4)
        Assert.True(weighted.Accuracy > 0.9, $"rho-weighted probe accuracy {weighted.Accuracy}");
        Assert.Equal(20, weighted.Probe.HoldoutRows);
        Assert.True(weighted.Probe.Converged, $"stopped by {weighted.Probe.Stop}");
        Assert.Null(result.Probe);
    }

    [Theory]
    [InlineData(MethodId.Aft, TrialStage.Selection)] // only final trials: selection trials are scored on the holdout
    [InlineData(MethodId.AftIdentity, TrialStage.Final)] // rho is frozen at 0.5: the probe would be the raw one
    [InlineData(MethodId.Kd, TrialStage.Final)]
    public async Task Execute_NoLearnedRhoOrNotFinal_HasNoRhoWeightedProbe(MethodId method, TrialStage stage)
    {
        var result = await Executor(Dataset()).ExecuteAsync(Spec(method, stage, Good) with { Lambda = 1 }, null, CancellationToken.None);
        Assert.Null(result.RhoWeightedProbe);
    }

    [Fact]
    public async Task Execute_LinearProbeOnNoise_StaysNearChance()
    {
        var result = await Executor(Dataset()).ExecuteAsync(Spec(MethodId.LinearProbe, TrialStage.Final, Noise), null, CancellationToken.None);
        Assert.True(result.Accuracy < 0.6, $"noise probe accuracy {result.Accuracy}");
    }

    [Fact]
    public async Task Execute_StlSelectionStage_TrainsOn90PercentScoresHoldout()
    {
        var result = await Executor(Dataset()).ExecuteAsync(Spec(MethodId.Stl, TrialStage.Selection), null, CancellationToken.None);
        Assert.Equal("holdout", result.EvaluatedOn);
        Assert.Equal(180, result.TrainRows);
        Assert.Equal(20, result.EvalRows);
        Assert.Equal(8 * 6, result.Steps); // 180 rows / 32 -> 6 batches; 50 / 6 = 8.33 -> 8 epochs
        Assert.Empty(result.Rho);
    }

    [Fact]
    public async Task Execute_FeatureRowsDisagree_NamesTrialTeacherAndCounts()
    {
        var executor = Executor(Dataset(), (t, split) => Synthetic.TeacherFeatures(split.Labels.Take(split.Rows - 1).ToArray(), 5, true, 1));
        var e = await Assert.ThrowsAsync<TrialFailedException>(() =>
            executor.ExecuteAsync(Spec(MethodId.LinearProbe, TrialStage.Final, Good), null, CancellationToken.None));
        Assert.Contains("trial t123", e.Message);
        Assert.Contains("teacher 'good'", e.Message);
        Assert.Contains("199 train feature rows", e.Message);
        Assert.Contains("200 train rows", e.Message);
    }

    [Fact]
    public async Task Execute_LabelOutOfRange_NamesRowAndRange()
    {
        var train = Synthetic.Blobs(60, Dim, Classes, 1, seed: 1);
        train.Labels[17] = 7;
        var e = await Assert.ThrowsAsync<TrialFailedException>(() =>
            Executor(Dataset(train)).ExecuteAsync(Spec(MethodId.Stl, TrialStage.Final), null, CancellationToken.None));
        Assert.Contains("trial t123: train row 17 has label 7, expected 0..2", e.Message);
    }

    [Fact]
    public async Task Execute_TeacherMethodWithoutCombo_Fails()
    {
        var e = await Assert.ThrowsAsync<TrialFailedException>(() =>
            Executor(Dataset()).ExecuteAsync(Spec(MethodId.LinearProbe, TrialStage.Final), null, CancellationToken.None));
        Assert.Contains("needs at least one teacher", e.Message);
    }

    [Fact]
    public async Task Execute_InitFileDoesNotFit_FailsNamingTrialAndParameter()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aftsweep-mlp-{Guid.NewGuid():N}.bin");
        try
        {
            using (var other = new Transfer.Models.MlpModel(Dim + 1, Classes)) other.save(path);
            var spec = Spec(MethodId.Stl, TrialStage.Final) with { Downstream = new DownstreamSpec { Model = "mlp", Init = path } };
            var e = await Assert.ThrowsAsync<TrialFailedException>(() =>
                Executor(Dataset()).ExecuteAsync(spec, null, CancellationToken.None));
            Assert.Contains("trial t123", e.Message);
            Assert.Contains("'fc1.weight' is [256, 7] in the file but the model needs [256, 6]", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Execute_DatasetChanged_Fails()
    {
        var spec = Spec(MethodId.Stl, TrialStage.Final) with { DatasetFingerprint = "other" };
        var e = await Assert.ThrowsAsync<TrialFailedException>(() => Executor(Dataset()).ExecuteAsync(spec, null, CancellationToken.None));
        Assert.Contains("changed since the sweep was planned", e.Message);
    }
}
