using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

/// <summary>Paired differences, aft's comparisons, lambda edges and seed counts, checked against arithmetic by hand.</summary>
public sealed class PairedComparisonTests
{
    // Student t quantiles t(0.975, df) from printed tables (independent of the library that computes them).
    private const double T1 = 12.706204736174698;
    private const double T2 = 4.302652729911275;
    private const double T4 = 2.7764451051977987;

    private static readonly DatasetSummary Dataset = SweepAggregator.Aggregate(SyntheticSweep.Build()).Datasets.Single();

    private static SeedAccuracy[] Seeds(params double[] accuracies) =>
        accuracies.Select((a, seed) => new SeedAccuracy(seed, a, $"t{seed}")).ToArray();

    [Theory]
    [InlineData(1, T1)]
    [InlineData(2, T2)]
    [InlineData(4, T4)]
    [InlineData(30, 2.0422724563012373)]
    public void TQuantile_MatchesTables(int df, double expected) =>
        Assert.Equal(expected, PairedDifference.TQuantile(df), 1e-9);

    [Fact]
    public void Of_ThreeSeeds_IntervalByHand()
    {
        // Differences 0.15, 0.14, 0.13: mean 0.14, sd 0.01, SE 0.01 / sqrt 3, half width t(2) * SE.
        var d = PairedDifference.Of(Seeds(0.85, 0.86, 0.87), Seeds(0.70, 0.72, 0.74));
        var half = T2 * 0.01 / Math.Sqrt(3);
        Assert.Equal(3, d.N);
        Assert.Equal(0.14, d.MeanDifference!.Value, 12);
        Assert.Equal(0.01 / Math.Sqrt(3), d.StandardError!.Value, 12);
        Assert.Equal(0.14 - half, d.Low!.Value, 9);
        Assert.Equal(0.14 + half, d.High!.Value, 9);
        Assert.True(d.Resolved);
    }

    [Fact]
    public void Of_IntervalContainsZero_NotResolved()
    {
        // Differences -0.005, 0.005, 0.015: mean 0.005, the interval is 0.005 +- 0.0248.
        var d = PairedDifference.Of(Seeds(0.85, 0.86, 0.87), Seeds(0.855, 0.855, 0.855));
        Assert.True(d.IntervalDefined);
        Assert.True(d.Low < 0 && d.High > 0);
        Assert.False(d.Resolved);
    }

    [Fact]
    public void Of_OneCommonSeed_NoIntervalNotResolved()
    {
        var d = PairedDifference.Of([new SeedAccuracy(4, 0.9, "x")], Seeds(0.5, 0.5, 0.5, 0.5, 0.6));
        Assert.Equal([4], d.Seeds);
        Assert.Equal(0.3, d.MeanDifference!.Value, 12);
        Assert.Null(d.StandardError);
        Assert.Null(d.Low);
        Assert.Null(d.High);
        Assert.False(d.IntervalDefined);
        Assert.False(d.Resolved);

        var none = PairedDifference.Of([new SeedAccuracy(7, 0.9, "x")], Seeds(0.5));
        Assert.Equal(0, none.N);
        Assert.Null(none.MeanDifference);
    }

    [Fact]
    public void Of_DifferentSeeds_PairsOnlyCommonOnes()
    {
        SeedAccuracy[] method = [new(0, 0.80, "m0"), new(1, 0.82, "m1"), new(2, 0.90, "m2")];
        SeedAccuracy[] baseline = [new(1, 0.70, "b1"), new(2, 0.75, "b2"), new(3, 0.10, "b3")];
        var d = PairedDifference.Of(method, baseline);
        Assert.Equal([1, 2], d.Seeds);
        Assert.Equal((0.12 + 0.15) / 2, d.MeanDifference!.Value, 12);
        // sd of (0.12, 0.15) = 0.03 / sqrt 2; SE = 0.015; t(1) = 12.706.
        Assert.Equal(0.135 - T1 * 0.015, d.Low!.Value, 9);
    }

    [Fact]
    public void Aggregate_SyntheticSweep_AftAgainstStlKdBestOtherAndAblation()
    {
        var columnA = Dataset.Comparisons.Where(c => c.Combo == "a").ToList();
        Assert.Equal(
            [(BaselineRole.Stl, MethodId.Stl), (BaselineRole.Kd, MethodId.Kd), (BaselineRole.BestOther, MethodId.Kd), (BaselineRole.Ablation, MethodId.AftIdentity)],
            columnA.Select(c => (c.Role, c.Baseline)));
        Assert.All(columnA, c => Assert.Equal(MethodId.Aft, c.Method));

        // aft|a - stl: 0.15, 0.14, 0.13 -> resolved; aft|a - kd|a (0.855 each): mean 0.005, not resolved.
        var stl = columnA[0].Difference;
        Assert.Equal(0.14, stl.MeanDifference!.Value, 12);
        Assert.True(stl.Resolved);
        Assert.Equal(0.005, columnA[1].Difference.MeanDifference!.Value, 12);
        Assert.False(columnA[1].Difference.Resolved);
        // aft|a - aft-identity|a (0.84 each): 0.01, 0.02, 0.03 -> mean 0.02, sd 0.01.
        Assert.Equal(0.02 - T2 * 0.01 / Math.Sqrt(3), columnA[3].Difference.Low!.Value, 9);

        // Column b: aft finished seeds 0 and 1 only, so every comparison there pairs two seeds (t with 1 df).
        var kdB = Dataset.Comparisons.Single(c => c.Combo == "b" && c.Role == BaselineRole.Kd).Difference;
        Assert.Equal([0, 1], kdB.Seeds);
        Assert.Equal(0.02, kdB.MeanDifference!.Value, 12);
        Assert.Equal(0.02 - T1 * 0.01, kdB.Low!.Value, 9);
        Assert.False(kdB.Resolved);
        Assert.Equal(["a", "b", "a+b"], Dataset.Comparisons.Select(c => c.Combo).Distinct());
    }

    [Fact]
    public void BestOther_HighestMeanNonAftMethod_StlIncludedAblationsExcluded()
    {
        var records = SyntheticSweep.Build();
        // stl now beats every baseline of column b (kd 0.79, linear-probe 0.65): it is the best other there.
        records.RemoveAll(r => r.Spec.Method == MethodId.Stl);
        records.AddRange(SyntheticSweep.Finals(MethodId.Stl, [], null, 0.80, 0.81, 0.82));
        // An ablation above everything in column a must not count as a baseline.
        records.RemoveAll(r => r.Spec.Method == MethodId.AftIdentity && r.Spec.Stage == TrialStage.Final);
        records.AddRange(SyntheticSweep.Finals(MethodId.AftIdentity, [SyntheticSweep.A], 1, 0.99, 0.99, 0.99));

        var comparisons = SweepAggregator.Aggregate(records).Datasets.Single().Comparisons;
        Assert.Equal(MethodId.Stl, comparisons.Single(c => c.Combo == "b" && c.Role == BaselineRole.BestOther).Baseline);
        Assert.Equal(MethodId.Kd, comparisons.Single(c => c.Combo == "a" && c.Role == BaselineRole.BestOther).Baseline);
    }

    [Fact]
    public void Aggregate_NoAftCell_NoComparisons()
    {
        var records = SyntheticSweep.Build().Where(r => r.Spec.Method != MethodId.Aft).ToList();
        Assert.Empty(SweepAggregator.Aggregate(records).Datasets.Single().Comparisons);
    }

    [Fact]
    public void Aggregate_FiveSeeds_ExpectedFiveFlagsFourAndPairsFive()
    {
        var records = new List<TrialRecord>();
        records.AddRange(SyntheticSweep.Finals(MethodId.Stl, [], null, 0.70, 0.71, 0.72, 0.73, 0.74));
        records.AddRange(SyntheticSweep.Finals(MethodId.Aft, [SyntheticSweep.A], 1, 0.80, 0.80, 0.83, 0.82, 0.85));
        records.AddRange(SyntheticSweep.Finals(MethodId.Kd, [SyntheticSweep.A], 1, 0.80, 0.81, 0.82, 0.83));

        var dataset = SweepAggregator.Aggregate(records).Datasets.Single();
        Assert.Equal(5, dataset.ExpectedSeeds);
        Assert.False(dataset.Cells.Single(c => c.Method == MethodId.Aft).Flagged);
        Assert.True(dataset.Cells.Single(c => c.Method == MethodId.Kd).Flagged);

        // aft - stl: 0.10, 0.09, 0.11, 0.09, 0.11 -> mean 0.10, sd sqrt(0.0004 / 4) = 0.01, t(4).
        var vsStl = dataset.Comparisons.Single(c => c.Role == BaselineRole.Stl).Difference;
        Assert.Equal(5, vsStl.N);
        Assert.Equal(0.10 - T4 * 0.01 / Math.Sqrt(5), vsStl.Low!.Value, 9);
        Assert.Equal(4, dataset.Comparisons.Single(c => c.Role == BaselineRole.Kd).Difference.N);

        // The live status counts seeds the same way: 4 of 5 is flagged, 1 of 1 is not.
        var tables = SweepTables.FromRecords(records);
        Assert.False(tables.Single(c => c.Method == MethodId.Aft).Final.Flagged);
        Assert.True(tables.Single(c => c.Method == MethodId.Kd).Final.Flagged);
        var oneSeed = SweepTables.FromRecords(SyntheticSweep.Finals(MethodId.Stl, [], null, 0.7).ToList()).Single();
        Assert.False(oneSeed.Final.Flagged);
    }

    [Fact]
    public void Aggregate_ChosenLambdaAtGridEnds_FlaggedWithHoldoutRows()
    {
        CellSummary Cell(MethodId method, string combo) => Dataset.Cells.Single(c => c.Method == method && c.ComboKey == combo);
        Assert.Equal(LambdaEdge.None, Cell(MethodId.Aft, "a").LambdaEdge);       // 1 of 0.1, 1, 10
        Assert.Equal(LambdaEdge.Lowest, Cell(MethodId.Aft, "b").LambdaEdge);     // 0.1 of 0.1, 1, 10
        Assert.Equal(LambdaEdge.Highest, Cell(MethodId.Aft, "a+b").LambdaEdge);  // 10 of 1, 10
        Assert.Equal(LambdaEdge.Highest, Cell(MethodId.Kd, "a").LambdaEdge);     // 1 of 0.1, 1
        Assert.Equal(LambdaEdge.None, Cell(MethodId.AftIdentity, "a").LambdaEdge); // a grid of one lambda
        Assert.Equal(LambdaEdge.None, Cell(MethodId.Stl, "").LambdaEdge);
        Assert.Equal([0.1, 1, 10], Cell(MethodId.Aft, "b").LambdaGrid);
        Assert.Equal(100, Cell(MethodId.Aft, "a").HoldoutRows);
        Assert.Null(Cell(MethodId.Stl, "").HoldoutRows);
    }

    [Fact]
    public void Aggregate_FailedLambda_StillPartOfTheGrid()
    {
        var records = SyntheticSweep.Build();
        // aft|a+b tried 1 and 10; a failed lambda 100 makes 10 an inner choice.
        records.Add(SyntheticSweep.Failed(MethodId.Aft, [SyntheticSweep.A, SyntheticSweep.B], 100, 0, TrialStage.Selection, "diverged at step 3"));
        var cell = SweepAggregator.Aggregate(records).Datasets.Single().Cells.Single(c => c.Method == MethodId.Aft && c.ComboKey == "a+b");
        Assert.Equal(LambdaEdge.None, cell.LambdaEdge);
    }

    [Fact]
    public void Aggregate_LinearProbeRecords_ProbeChoiceSummarised()
    {
        var records = SyntheticSweep.Build();
        records.RemoveAll(r => r.Spec.Method == MethodId.LinearProbe && r.Spec.ComboKey == "a");
        foreach (var (seed, iterations) in new[] { (0, 30), (1, 41), (2, 35) })
        {
            var record = SyntheticSweep.Final(MethodId.LinearProbe, [SyntheticSweep.A], null, seed, 0.75);
            records.Add(record with { Result = record.Result! with { Probe = Probe(1e-6, iterations, converged: seed != 1) } });
        }

        var cell = SweepAggregator.Aggregate(records).Datasets.Single().Cells.Single(c => c.Method == MethodId.LinearProbe && c.ComboKey == "a");
        var probe = Assert.IsType<ProbeSummary>(cell.Probe);
        Assert.Equal([1e-6], probe.ChosenL2);
        Assert.Equal(90, probe.HoldoutRows);
        Assert.Equal(3, probe.Seeds);
        Assert.Equal(2, probe.ConvergedSeeds);
        Assert.Equal(41, probe.MaxIterations);
        Assert.Equal(LambdaEdge.Lowest, cell.LambdaEdge);
        Assert.Null(Dataset.Cells.Single(c => c.Method == MethodId.LinearProbe && c.ComboKey == "b").Probe); // schema-1 style records
    }

    internal static LinearProbeResult Probe(double l2, int iterations, bool converged) => new()
    {
        L2 = l2,
        Candidates = [new(1e-6, 0.8, 300, true), new(1e-3, 0.78, 20, true), new(1, 0.6, 5, true)],
        HoldoutRows = 90,
        Iterations = iterations,
        Converged = converged,
        GradientMaxAbs = converged ? 5e-7 : 3e-4,
        Stop = converged ? "gradient" : "iteration-cap",
        FeatureScale = 1,
    };
}
