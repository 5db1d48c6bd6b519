using AftSweep.Contracts.Protocol;

namespace AftSweep.Tests.Reporting;

public sealed class ProtocolMathTests
{
    [Fact]
    public void SeedStatistics_ThreeSeeds_MeanAndSampleStandardError()
    {
        var stats = SeedStatistics.Of([0.70, 0.72, 0.74]);

        Assert.Equal(3, stats.N);
        Assert.Equal(0.72, stats.Mean, 12);
        // sample sd = sqrt((0.02^2 + 0 + 0.02^2) / 2) = 0.02; SE = 0.02 / sqrt(3)
        Assert.Equal(0.02 / Math.Sqrt(3), stats.StandardError, 12);
        Assert.True(stats.StandardErrorDefined);
    }

    [Fact]
    public void SeedStatistics_OneSeed_StandardErrorZeroAndFlaggedUndefined()
    {
        var stats = SeedStatistics.Of([0.8]);

        Assert.Equal(0.8, stats.Mean);
        Assert.Equal(0, stats.StandardError);
        Assert.False(stats.StandardErrorDefined);
    }

    [Fact]
    public void SeedStatistics_NoValues_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SeedStatistics.Of([]));
        Assert.Contains("at least one", e.Message);
    }

    [Fact]
    public void LambdaSelection_HighestMean_Chosen()
    {
        var choice = LambdaSelection.Choose([new(10, [0.83, 0.83]), new(0.1, [0.80, 0.82]), new(1, [0.84, 0.86])]);

        Assert.Equal(1, choice.Lambda);
        Assert.Equal(0.85, choice.MeanHoldoutAccuracy, 12);
        Assert.Equal([0.1, 1, 10], choice.Scores.Select(s => s.Lambda));
    }

    [Fact]
    public void LambdaSelection_TieInMeans_SmallerLambdaChosen()
    {
        // (0.80 + 0.84) / 2 is 0.8200000000000001 in doubles and (0.82 + 0.82) / 2 is 0.82: the same score.
        var choice = LambdaSelection.Choose([new(1, [0.82, 0.82]), new(0.1, [0.80, 0.84])]);

        Assert.Equal(0.1, choice.Lambda);
    }

    [Fact]
    public void LambdaSelection_DuplicateLambda_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => LambdaSelection.Choose([new(1, [0.8]), new(1, [0.9])]));
        Assert.Contains("lambda 1 appears 2 times", e.Message);
    }

    [Fact]
    public void LambdaSelection_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => LambdaSelection.Choose([]));
    }

    [Fact]
    public void RelativeErrorReduction_HalfTheErrors_IsOneHalf()
    {
        Assert.Equal(0.5, RelativeErrorReduction.Of(0.72, 0.86)!.Value, 12);
        Assert.Equal(-0.25, RelativeErrorReduction.Of(0.6, 0.5)!.Value, 12);
        Assert.Null(RelativeErrorReduction.Of(1.0, 0.9));
    }
}
