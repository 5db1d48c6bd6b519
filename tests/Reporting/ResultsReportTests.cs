using AftSweep.Client.Reporting;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Tests.Reporting;

public sealed class ResultsReportTests
{
    internal static readonly ResultsReport Report = ResultsReportBuilder.Build(SweepAggregator.Aggregate(SyntheticSweep.Build()));
    private static readonly DatasetReport Dataset = Report.Datasets.Single();

    private static TableCell Cell(string method, string combo) => Dataset.Main.Cell(method, combo)!;

    [Fact]
    public void Build_MainTable_BestPerColumn()
    {
        Assert.True(Cell("aft", "a").Best);
        Assert.True(Cell("aft", "b").Best);
        Assert.True(Cell("aft", "a+b").Best);
        Assert.Equal(3, Dataset.Main.Rows.SelectMany(r => r.Cells).Count(c => c?.Best == true));
    }

    [Fact]
    public void Build_MainTable_WithinOneSeOfBestMarked()
    {
        Assert.True(Cell("kd", "a").WithinOneSe);     // 0.86 - 0.855 = 0.005 <= 0.00577
        Assert.False(Cell("kd", "b").WithinOneSe);    // 0.81 - 0.79 = 0.02 > 0.01
        Assert.True(Cell("kd", "a+b").WithinOneSe);   // 0.90 - 0.89 = 0.01 <= 0.01155
        Assert.False(Cell("aft-identity", "a").WithinOneSe);
        Assert.False(Cell("stl", "a").WithinOneSe);
        Assert.Equal(2, Dataset.Main.Rows.SelectMany(r => r.Cells).Count(c => c?.WithinOneSe == true));
    }

    [Fact]
    public void Build_StlAndScratch_RepeatedInEveryColumn()
    {
        var stl = Dataset.Main.Rows.Single(r => r.Method == "stl");
        Assert.True(stl.ComboIndependent);
        Assert.All(stl.Cells, c => Assert.Equal(0.72, c!.Mean!.Value, 12));
        Assert.Null(Dataset.Main.Cell("aft-identity", "b"));
    }

    [Fact]
    public void Build_NoPretrainedInit_NotesThatStlEqualsScratch()
    {
        Assert.True(Dataset.StlEqualsScratch);
        Assert.Contains(Dataset.Notes, n => n.StartsWith("stl and scratch coincide", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_RelativeErrorReduction_ByHand()
    {
        var aft = Dataset.ErrorReductions.Single(r => r.Method == "aft");

        Assert.Equal(0.5, aft.PerCombo.Single(v => v.Combo == "a").Value, 9);
        Assert.Equal(0.09 / 0.28, aft.PerCombo.Single(v => v.Combo == "b").Value, 9);
        Assert.Equal(0.18 / 0.28, aft.PerCombo.Single(v => v.Combo == "a+b").Value, 9);
        Assert.Equal((0.5 + 0.09 / 0.28 + 0.18 / 0.28) / 3, aft.Mean!.Value, 9);
        // scratch: err 0.38 vs 0.28 -> (0.28 - 0.38) / 0.28 in every column.
        Assert.Equal(-0.10 / 0.28, Dataset.ErrorReductions.Single(r => r.Method == "scratch").Mean!.Value, 9);
        Assert.DoesNotContain(Dataset.ErrorReductions, r => r.Method == "stl");
    }

    [Fact]
    public void Build_AblationRan_AblationTableHasAftAndVariants()
    {
        var ablation = Dataset.Ablation!;
        Assert.Equal(["aft", "aft-identity"], ablation.Rows.Select(r => r.Method));
        Assert.True(ablation.Cell("aft", "a")!.Best);
        Assert.False(ablation.Cell("aft-identity", "a")!.Best);
    }

    [Fact]
    public void Build_NoAblationRecords_NoAblationTable()
    {
        var records = SyntheticSweep.Build().Where(r => r.Spec.Method != AftSweep.Contracts.Methods.MethodId.AftIdentity);
        Assert.Null(ResultsReportBuilder.Build(SweepAggregator.Aggregate(records)).Datasets.Single().Ablation);
    }

    [Fact]
    public void Build_LambdaRows_ChosenWithHoldoutScores()
    {
        var row = Dataset.Lambdas.Single(l => l.Method == "aft" && l.Combo == "b");
        Assert.Equal(0.1, row.ChosenLambda);
        Assert.Equal([0.1, 1, 10], row.Scores.Select(s => s.Lambda));
        Assert.Equal(0.82, row.Scores[0].MeanHoldoutAccuracy, 12);
        Assert.Equal(2, row.Scores[0].Seeds);
    }

    [Fact]
    public void Build_RhoRows_SumAndMeanPerTeacher()
    {
        var a = Dataset.Rho.Single(r => r.Method == "aft" && r.Combo == "a+b" && r.Teacher == "a");
        Assert.Equal(2.0, a.Sum, 12);
        Assert.Equal(0.5, a.Mean, 12);
        Assert.Equal(4, a.Width);
    }

    [Fact]
    public void CellText_TwoSeeds_ShowsN()
    {
        Assert.Equal("81.0 ± 1.0 (n=2)", CellText.Value(Cell("aft", "b")));
        Assert.Equal("86.0 ± 0.6", CellText.Value(Cell("aft", "a")));
    }

    [Fact]
    public void ColumnMarks_BestWithOneSeed_NothingWithin()
    {
        var marks = ColumnMarks.Mark([(0.9, 0), (0.8999, 0.01), (null, 0)]);
        Assert.Equal([(true, false), (false, false), (false, false)], marks);
    }
}
