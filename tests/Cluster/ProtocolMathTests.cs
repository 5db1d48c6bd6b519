using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Cluster;

public sealed class ProtocolMathTests
{
    [Fact]
    public void LambdaSelection_TiedHoldoutAccuracy_PicksSmallerLambda()
    {
        var choice = LambdaSelection.ChooseFrom([(10.0, 0.8), (0.1, 0.9), (1.0, 0.9), (100.0, 0.9)]);
        Assert.NotNull(choice);
        Assert.Equal(0.1, choice.Lambda);
        Assert.Equal(0.9, choice.MeanHoldoutAccuracy);
        Assert.Equal([0.1, 1.0, 10.0, 100.0], choice.Scores.Select(s => s.Lambda));
    }

    [Fact]
    public void LambdaSelection_SeveralSelectionSeeds_ComparesMeans()
    {
        // lambda 1: mean 0.75; lambda 2: mean 0.8 (its single best seed is lower than lambda 1's best).
        var choice = LambdaSelection.ChooseFrom([(1.0, 0.9), (1.0, 0.6), (2.0, 0.8), (2.0, 0.8)]);
        Assert.Equal(2.0, choice!.Lambda);
        Assert.Equal(2, choice.Scores.Single(s => s.Lambda == 1.0).HoldoutAccuracies.Count);
    }

    [Fact]
    public void LambdaSelection_NoObservations_ReturnsNull() => Assert.Null(LambdaSelection.ChooseFrom([]));

    [Fact]
    public void SeedStatistics_ThreeSeeds_MeanAndSampleStandardError()
    {
        var s = SeedStatistics.MeanAndStandardError([0.80, 0.82, 0.87]);
        Assert.Equal(3, s.Count);
        Assert.Equal(0.83, s.Mean, 12);
        Assert.Equal(Math.Sqrt(0.0013 / 3), s.StandardError!.Value, 12);
        Assert.False(s.Flagged);
    }

    [Fact]
    public void SeedStatistics_FewerThanThreeSeeds_Flagged()
    {
        var two = SeedStatistics.MeanAndStandardError([0.5, 0.7]);
        Assert.True(two.Flagged);
        Assert.Equal(0.1, two.StandardError!.Value, 12);
        var one = SeedStatistics.MeanAndStandardError([0.5]);
        Assert.True(one.Flagged);
        Assert.Null(one.StandardError);
        Assert.True(double.IsNaN(SeedStatistics.MeanAndStandardError([]).Mean));
    }

    [Fact]
    public void SweepTables_FromRecords_RebuildsChoiceAndFinalStatistics()
    {
        var plan = TestPlans.Build("tables", new TestCell(MethodId.Kd, [1, 2], [0], [0, 1]));
        var cell = plan.Cells[0];
        TrialRecord Rec(TrialSpec spec, double acc, TrialStatus status = TrialStatus.Succeeded) => new()
        {
            SweepId = plan.SweepId,
            Spec = spec,
            Status = status,
            Result = status == TrialStatus.Succeeded ? new TrialResult { Accuracy = acc, EvaluatedOn = "x", FinalCrossEntropy = 0, FinalRegulariser = 0, WallSeconds = 0, StepsPerSecond = 0, Steps = 0, Epochs = 0, Device = "cpu" } : null,
        };
        var records = new[]
        {
            Rec(cell.SelectionTrials[0], 0.7), Rec(cell.SelectionTrials[1], 0.75),
            Rec(TestFinalTrials.Create(cell, 2, 0), 0.6), Rec(TestFinalTrials.Create(cell, 2, 1), 0.8),
            Rec(TestFinalTrials.Create(cell, 2, 2), 0, TrialStatus.Failed),
        };

        var result = SweepTables.FromRecords(records).Single();

        Assert.Equal("kd|t1", result.Key);
        Assert.Equal(2, result.Choice!.Lambda);
        Assert.Equal(0.7, result.Final.Mean, 12);
        Assert.Equal(2, result.Final.Count);
        Assert.True(result.Final.Flagged);
        Assert.Equal([0, 1], result.FinishedSeeds);
        Assert.Equal(1, result.FailedTrials);
    }
}
