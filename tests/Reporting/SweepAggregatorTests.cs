using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

public sealed class SweepAggregatorTests
{
    private static readonly DatasetSummary Dataset = SweepAggregator.Aggregate(SyntheticSweep.Build()).Datasets.Single();

    private static CellSummary Cell(MethodId method, string combo) => Dataset.Cells.Single(c => c.Method == method && c.ComboKey == combo);

    [Fact]
    public void Aggregate_SyntheticSweep_ColumnsAndCatalogRowOrder()
    {
        Assert.Equal("synth (mlp)", Dataset.Title);
        Assert.Equal(3, Dataset.ExpectedSeeds);
        Assert.Equal(["a", "b", "a+b"], Dataset.Combos.Select(c => string.Join("+", c.Select(t => t.Name))));
        Assert.Equal(
            ["stl", "scratch", "linear-probe", "aft", "aft-identity", "kd"],
            Dataset.Cells.Select(c => c.Info.Name).Distinct());
    }

    [Fact]
    public void Aggregate_NoiseCombos_ColumnsInNaturalOrder()
    {
        var dataset = SweepAggregator.Aggregate(SyntheticSweep.BuildWithNoise()).Datasets.Single();
        Assert.Equal(["a", "b", "a+b", "a+noise64", "a+noise256"], dataset.Combos.Select(c => string.Join("+", c.Select(t => t.Name))));
    }

    [Theory]
    [InlineData("a+noise64", "a+noise256", -1)]
    [InlineData("noise0064", "noise64", 0)]
    [InlineData("b", "a+b", 1)]
    [InlineData("x2", "x2y", -1)]
    public void NaturalOrder_DigitRuns_CompareAsNumbers(string x, string y, int sign) =>
        Assert.Equal(sign, Math.Sign(NaturalOrder.Instance.Compare(x, y)));

    [Fact]
    public void Aggregate_SelectionRecords_ChosenLambdasIncludingTie()
    {
        Assert.Equal(1, Cell(MethodId.Aft, "a").ChosenLambda);
        Assert.Equal(0.1, Cell(MethodId.Aft, "b").ChosenLambda); // tie with 1
        Assert.Equal(10, Cell(MethodId.Aft, "a+b").ChosenLambda);
        Assert.Equal(1, Cell(MethodId.Kd, "b").ChosenLambda);
        Assert.Null(Cell(MethodId.Stl, "").ChosenLambda);

        var scores = Cell(MethodId.Aft, "a").Selection!.Scores;
        Assert.Equal([0.81, 0.85, 0.83], scores.Select(s => Math.Round(s.MeanHoldoutAccuracy, 12)));
    }

    [Fact]
    public void Aggregate_FinalRecords_MeansAndStandardErrorsByHand()
    {
        var aft = Cell(MethodId.Aft, "a").Statistics!;
        Assert.Equal(0.86, aft.Mean, 12);
        Assert.Equal(0.01 / Math.Sqrt(3), aft.StandardError, 12);

        var twoSeeds = Cell(MethodId.Aft, "b");
        Assert.Equal(2, twoSeeds.N);
        Assert.Equal(0.81, twoSeeds.Statistics!.Mean, 12);
        // sd of (0.80, 0.82) = 0.01414...; SE = sd / sqrt(2) = 0.01
        Assert.Equal(0.01, twoSeeds.Statistics.StandardError, 12);

        Assert.Equal(0.72, Cell(MethodId.Stl, "").Statistics!.Mean, 12);
    }

    [Fact]
    public void Aggregate_CellMissingASeed_FlaggedWithFailedTrialNamed()
    {
        var cell = Cell(MethodId.Aft, "b");

        Assert.True(cell.Flagged);
        var failed = Assert.Single(cell.FailedTrials);
        Assert.Equal(2, failed.Seed);
        Assert.Equal(TrialStage.Final, failed.Stage);
        Assert.Equal("aft-b-0.1-2-final", failed.TrialId);
        Assert.Contains("out of memory", failed.LastError);
        Assert.DoesNotContain(Dataset.Cells, c => c != cell && c.Flagged);
    }

    [Fact]
    public void Aggregate_AftRecords_RhoSumsAveragedOverSeeds()
    {
        var rho = Cell(MethodId.Aft, "a+b").RhoByTeacher;

        Assert.Equal(["a", "b"], rho.Select(r => r.Teacher));
        Assert.Equal(2.0, rho[0].MeanSum, 12);
        Assert.Equal(0.5, rho[0].MeanRho, 12);
        Assert.Equal(0.25, rho[1].MeanRho, 12);
        Assert.Equal(3, rho[0].Seeds);
    }

    [Fact]
    public void Aggregate_ExpectedSeedsGiven_OverridesInferred()
    {
        var dataset = SweepAggregator.Aggregate(SyntheticSweep.Build(), expectedSeeds: 5).Datasets.Single();
        Assert.All(dataset.Cells, c => Assert.True(c.Flagged));
    }

    [Fact]
    public void Aggregate_SucceededWithoutResult_ThrowsNamingTrial()
    {
        var records = SyntheticSweep.Build();
        records[0] = records[0] with { Result = null };

        var e = Assert.Throws<InvalidDataException>(() => SweepAggregator.Aggregate(records));
        Assert.Contains(records[0].Spec.Id, e.Message);
        Assert.Contains("no result", e.Message);
    }

    [Fact]
    public void Aggregate_FinalScoredOnHoldout_ThrowsNamingField()
    {
        var records = SyntheticSweep.Build();
        records[0] = records[0] with { Result = records[0].Result! with { EvaluatedOn = "holdout" } };

        var e = Assert.Throws<InvalidDataException>(() => SweepAggregator.Aggregate(records));
        Assert.Contains("result.evaluatedOn", e.Message);
    }

    [Fact]
    public void Aggregate_FinalsWithOtherLambdaThanSelection_IgnoredWithWarning()
    {
        var records = SyntheticSweep.Build();
        records.Add(SyntheticSweep.Final(MethodId.Aft, [SyntheticSweep.A], 10, 0, 0.99));

        var cell = SweepAggregator.Aggregate(records).Datasets.Single().Cells.Single(c => c.Method == MethodId.Aft && c.ComboKey == "a");
        Assert.Equal(0.86, cell.Statistics!.Mean, 12);
        Assert.Contains(cell.Warnings, w => w.Contains("lambda 10 ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Aggregate_RetriedTrial_SuccessWinsOverFailedAttempt()
    {
        var records = SyntheticSweep.Build();
        var retried = SyntheticSweep.Final(MethodId.Aft, [SyntheticSweep.B], 0.1, 2, 0.84);
        records.Add(retried with { Spec = retried.Spec with { Id = "aft-b-0.1-2-final" } });

        var cell = SweepAggregator.Aggregate(records).Datasets.Single().Cells.Single(c => c.Method == MethodId.Aft && c.ComboKey == "b");
        Assert.Equal(3, cell.N);
        Assert.Empty(cell.FailedTrials);
    }
}
