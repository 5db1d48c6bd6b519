using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Plots;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

public sealed class PlotTests : IDisposable
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("aftsweep-plots-");

    public void Dispose() => folder.Delete(recursive: true);

    private static DatasetSummary Noisy => SweepAggregator.Aggregate(SyntheticSweep.BuildWithNoise()).Datasets.Single();

    [Fact]
    public void Pearson_KnownData_MatchesHandComputedR()
    {
        // x mean 3, y mean 4: sum dx*dy = 6, sum dx^2 = 10, sum dy^2 = 6 -> r = 6 / sqrt(60).
        Assert.Equal(6 / Math.Sqrt(60), Pearson.R([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!.Value, 12);
        Assert.Equal(-1, Pearson.R([1, 2, 3], [3, 2, 1])!.Value, 12);
        Assert.Null(Pearson.R([1, 2], [1, 2]));
        Assert.Null(Pearson.R([1, 2, 3], [5, 5, 5]));
    }

    [Fact]
    public void LpCorrelation_Series_PointsAndRFromCellMeans()
    {
        var series = LpCorrelationPlot.Series(Noisy);

        var aft = series.Single(s => s.Method == "aft");
        // Noise combos have no linear probe, so only a, b, a+b count.
        Assert.Equal(["a", "b", "a+b"], aft.Points.Select(p => p.Combo));
        Assert.Equal([0.75, 0.65, 0.78], aft.Points.Select(p => Math.Round(p.LinearProbeAccuracy, 12)));
        Assert.Equal([0.86, 0.81, 0.90], aft.Points.Select(p => Math.Round(p.Accuracy, 12)));
        Assert.Equal(Pearson.R([0.75, 0.65, 0.78], [0.86, 0.81, 0.90])!.Value, aft.R!.Value, 9);
        Assert.Null(series.Single(s => s.Method == "aft-identity").R); // one combo only
        Assert.DoesNotContain(series, s => s.Method is "linear-probe" or "stl");
    }

    [Fact]
    public void LpCorrelation_NoLinearProbe_ErrorsClearly()
    {
        var records = SyntheticSweep.Build().Where(r => r.Spec.Method != MethodId.LinearProbe);
        var dataset = SweepAggregator.Aggregate(records).Datasets.Single();

        var e = Assert.Throws<ReportInputException>(() => LpCorrelationPlot.Build(dataset));
        Assert.Contains("no finished linear-probe trial", e.Message);
    }

    [Fact]
    public void NoiseRobustness_Series_AccuracyAndRhoByNoiseWidth()
    {
        var (accuracy, rho) = NoiseRobustnessPlot.Series(Noisy);

        var aft = accuracy.Single(s => s.Method == "aft");
        Assert.Equal("a", aft.RealTeachers);
        Assert.Equal([0, 64, 256], aft.Points.Select(p => p.NoiseFeatures));
        Assert.Equal([0.86, 0.85, 0.845], aft.Points.Select(p => Math.Round(p.Mean, 12)));
        Assert.Equal([0.855, 0.80, 0.75], accuracy.Single(s => s.Method == "kd").Points.Select(p => Math.Round(p.Mean, 12)));

        var aftRho = rho.Single(s => s.Method == "aft");
        Assert.Equal([64, 256], aftRho.Points.Select(p => p.NoiseFeatures)); // aft|a has no rho recorded
        Assert.Equal([0.5, 0.5], aftRho.Points.Select(p => Math.Round(p.RealMeanRho, 12)));
        Assert.Equal([0.2, 0.1], aftRho.Points.Select(p => Math.Round(p.NoiseMeanRho!.Value, 12)));
        Assert.DoesNotContain(rho, s => s.Method == "kd");
    }

    [Fact]
    public void NoiseRobustness_NoNoiseTeacher_ErrorsClearly()
    {
        var dataset = SweepAggregator.Aggregate(SyntheticSweep.Build()).Datasets.Single();

        var e = Assert.Throws<ReportInputException>(() => NoiseRobustnessPlot.Build(dataset));
        Assert.Contains("noise:D", e.Message);
    }

    [Fact]
    public void LearningCurves_Series_MeanOverSeedsPerEpoch()
    {
        var series = LearningCurvesPlot.Series(SyntheticSweep.Build(), "synth", "a");

        Assert.Equal(["stl", "scratch", "linear-probe", "aft", "aft-identity", "kd"], series.Select(s => s.Method));
        var aft = series.Single(s => s.Method == "aft");
        Assert.Equal(3, aft.Seeds);
        Assert.Equal([1, 2, 3], aft.Points.Select(p => p.Epoch));
        // Last epoch loss = 1 - accuracy, averaged over 0.85, 0.86, 0.87.
        Assert.Equal(0.14, aft.Points[2].Loss, 12);
        Assert.Equal(0.86, aft.Points[2].TrainAccuracy.Mean, 12);
        // Seeds at 0.85, 0.86, 0.87: sd 0.01, SE 0.01 / sqrt 3.
        Assert.Equal(0.01 / Math.Sqrt(3), aft.Points[2].TrainAccuracy.StandardError, 12);
        // Epoch 1: loss 1.0, CE 0.9 on every seed: lambda*R = 0.1 with no spread.
        Assert.Equal(0.9, aft.Points[0].CrossEntropy.Mean, 12);
        Assert.Equal(0.1, aft.Points[0].WeightedRegulariser.Mean, 12);
        Assert.Equal(0, aft.Points[0].WeightedRegulariser.StandardError, 12);
    }

    [Fact]
    public void LearningCurves_Figure_CrossEntropyAndRegulariserApart_MeanWithBands_LegendsOutside()
    {
        var figure = LearningCurvesPlot.Build(SyntheticSweep.Build(), "synth", "a");

        Assert.Equal(3, figure.Panels.Count); // no stage-1 holdout curves were recorded here
        Assert.StartsWith("synth: cross-entropy", figure.Panels[0].Axes.Title.Label.Text);
        Assert.StartsWith("λ·R", figure.Panels[1].Axes.Title.Label.Text);
        Assert.StartsWith("train accuracy", figure.Panels[2].Axes.Title.Label.Text);
        // stl has no regulariser: it is in the CE and accuracy panels only.
        Assert.DoesNotContain(LegendLabels(figure.Panels[1]), l => l == "stl");
        Assert.Contains("stl", LegendLabels(figure.Panels[0]));
        // Every series whose seeds disagree has its band (identical seeds have none to draw); every legend is outside the data area.
        Assert.Equal(LearningCurvesPlot.Series(SyntheticSweep.Build(), "synth", "a").Count(s => s.Points.Any(p => p.TrainAccuracy.StandardError > 0)),
            figure.Panels[2].GetPlottables<ScottPlot.Plottables.FillY>().Count());
        Assert.All(figure.Panels, LegendIsOutside);
    }

    [Fact]
    public void LearningCurves_SelectionRecordsWithHoldoutPerEpoch_GetTheirOwnPanelPerLambda()
    {
        var records = SyntheticSweep.Build().Select(r => r.Spec.Stage == TrialStage.Selection && r.Result is { } result
            ? r with { Result = result with { Curve = [new(1, 1, 1, 0, 0.5, 0.6), new(2, 0.5, 0.5, 0, 0.7, result.Accuracy)] } }
            : r).ToList();

        var holdout = LearningCurvesPlot.Holdout(records, "synth", "a");
        var figure = LearningCurvesPlot.Build(records, "synth", "a");

        // Each lambda a regularised method tried on combo a (aft 0.1, 1, 10; aft-identity 1; kd 0.1, 1): one series each,
        // mean over the selection seeds.
        Assert.Equal(["aft [a] λ=0.1", "aft [a] λ=1", "aft [a] λ=10", "aft-identity [a] λ=1", "kd [a] λ=0.1", "kd [a] λ=1"], holdout.Select(h => h.Label));
        Assert.Equal(0.85, holdout[1].Points[1].Accuracy.Mean, 12); // (0.84 + 0.86) / 2
        Assert.Equal(4, figure.Panels.Count);
        Assert.StartsWith("holdout accuracy per epoch", figure.Panels[3].Axes.Title.Label.Text);
        Assert.Equal(holdout.Select(h => h.Label), LegendLabels(figure.Panels[3]));
    }

    [Fact]
    public void LearningCurves_UnknownCombo_ErrorsListingTheCombos()
    {
        var e = Assert.Throws<ReportInputException>(() => LearningCurvesPlot.Build(SyntheticSweep.Build(), "synth", "foo"));

        Assert.Equal("--combo: 'foo' is not a teacher combo of these records; choose one of a, a+b, b", e.Message);
    }

    [Fact]
    public void LpCorrelation_Figure_EveryPointLabelledWithItsCombo_LegendOutside()
    {
        var series = LpCorrelationPlot.Series(Noisy);
        var figure = LpCorrelationPlot.Build(Noisy);

        var labels = figure.Panels[0].GetPlottables<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToList();
        Assert.Equal(series.Sum(s => s.Points.Count), labels.Count);
        Assert.Equal(series.SelectMany(s => s.Points).Select(p => p.Combo).Order(), labels.Order());
        LegendIsOutside(figure.Panels[0]);
    }

    private static List<string> LegendLabels(ScottPlot.Plot plot) =>
        plot.GetPlottables().SelectMany(p => p.LegendItems).Select(i => i.LabelText).Where(t => !string.IsNullOrEmpty(t)).ToList();

    private static void LegendIsOutside(ScottPlot.Plot plot)
    {
        Assert.False(plot.Legend.IsVisible, "the legend inside the data area is shown");
        Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
    }

    [Fact]
    public void LearningCurves_NoCurves_ErrorsClearly()
    {
        var records = SyntheticSweep.Build().Select(r => r.Result is null ? r : r with { Result = r.Result with { Curve = [] } });

        var e = Assert.Throws<ReportInputException>(() => LearningCurvesPlot.Build(records, null, null));
        Assert.Contains("result.curve is empty", e.Message);
    }

    [Theory]
    [InlineData(PlotKind.LpCorrelation)]
    [InlineData(PlotKind.NoiseRobustness)]
    [InlineData(PlotKind.LearningCurves)]
    public void PlotFile_EveryKind_WritesValidPngAndSvg(PlotKind kind)
    {
        var figure = kind switch
        {
            PlotKind.LpCorrelation => LpCorrelationPlot.Build(Noisy),
            PlotKind.NoiseRobustness => NoiseRobustnessPlot.Build(Noisy),
            _ => LearningCurvesPlot.Build(SyntheticSweep.Build(), "synth", "a+b"),
        };
        var png = Path.Combine(folder.FullName, $"{kind}.png");
        var svg = Path.Combine(folder.FullName, $"{kind}.svg");

        PlotFile.Save(figure, png);
        PlotFile.Save(figure, svg);

        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 5_000, $"PNG only {bytes.Length} bytes");
        Assert.Equal(PngMagic, bytes[..8]);
        var xml = System.Xml.Linq.XDocument.Load(svg);
        Assert.Equal("svg", xml.Root!.Name.LocalName);
        Assert.True(new FileInfo(svg).Length > 5_000);
        Assert.Equal(2, folder.GetFiles().Length); // no temp files left behind
    }

    [Fact]
    public void PlotFile_OtherExtension_Refused()
    {
        var e = Assert.Throws<ReportInputException>(() => PlotFile.Save(LpCorrelationPlot.Build(Noisy), Path.Combine(folder.FullName, "x.pdf")));
        Assert.Contains(".png or .svg", e.Message);
    }
}
