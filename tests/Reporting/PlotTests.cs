using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Plots;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;

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
        Assert.Equal(0.86, aft.Points[2].TrainAccuracy, 12);
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
