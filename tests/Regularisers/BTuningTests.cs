using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class BTuningTests
{
    [Fact]
    public void BTuning_R_IsTheScoreWeightedSumOfPerTeacherPredictions()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(41);
        var labels = Enumerable.Range(0, 60).Select(i => i % 3).ToArray();
        var t1 = randn(60, 5, generator: gen).to(ScalarType.Float64);
        var t2 = randn(60, 4, generator: gen).to(ScalarType.Float64);
        var student = randn(60, 6, generator: gen).to(ScalarType.Float64);
        var logme1 = LogMe.Compute(t1, labels, 3);
        var logme2 = LogMe.Compute(t2, labels, 3);
        var regulariser = new BTuningRegulariser(LogMe.Compute(student, labels, 3), [logme1, logme2]);
        regulariser.to(ScalarType.Float64);
        var g = randn(16, 6, generator: gen).to(ScalarType.Float64);
        var phi1 = randn(16, 5, generator: gen).to(ScalarType.Float64);
        var phi2 = randn(16, 4, generator: gen).to(ScalarType.Float64);

        var r = regulariser.Compute(g, cat([phi1, phi2], 1)).item<double>();

        var w = BTuningRegulariser.TeacherWeights([logme1.Score, logme2.Score]);
        Tensor Mu(LogMeResult m) => tensor(m.Mu, [m.Classes, m.Dim]).to(ScalarType.Float32).to(ScalarType.Float64);
        var muDown = Mu(LogMe.Compute(student, labels, 3));
        var target = w[0] * phi1.mm(Mu(logme1).t()) + w[1] * phi2.mm(Mu(logme2).t());
        var expected = (g.mm(muDown.t()) - target).square().mean().item<double>();
        Assert.Equal(expected, r, 10);
        Assert.Equal(1.0, w.Sum(), 12);
        var e = System.Math.Exp((logme1.Score - logme2.Score) / 0.1);
        Assert.Equal(e / (1 + e), w[0], 12);
    }

    [Fact]
    public void LogMe_LabelOutOfRange_NamesTheRow()
    {
        using var features = randn(4, 3, generator: new Generator(1));
        var error = Assert.Throws<ArgumentException>(() => LogMe.Compute(features, [0, 1, 3, 0], 3));
        Assert.Contains("row 2", error.Message);
    }

    [Fact]
    public void LogMe_InformativeFeatures_ScoreAboveNoise()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(42);
        var labels = Enumerable.Range(0, 200).Select(i => i % 4).ToArray();
        var oneHot = nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), 4).to(ScalarType.Float64);
        var informative = oneHot.mm(randn(4, 12, generator: gen).to(ScalarType.Float64) * 3) + randn(200, 12, generator: gen).to(ScalarType.Float64);
        var noise = randn(200, 12, generator: gen).to(ScalarType.Float64);

        Assert.True(LogMe.Compute(informative, labels, 4).Score > LogMe.Compute(noise, labels, 4).Score + 0.1);
    }
}
