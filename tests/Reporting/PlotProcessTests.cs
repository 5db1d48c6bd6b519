using AftSweep.Client.Reporting.Plots;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Reporting;

/// <summary>
/// `aftsweep plot` as a child process, so what native code (SkiaSharp) writes to the process's stderr is seen too.
/// Before SVG lines were made solid, learning-curves (a dashed line per extra teacher combo) wrote "Unsupported path
/// effect" there; the other kinds are checked so a dashed line added to them later is caught.
/// </summary>
public sealed class PlotProcessTests
{
    [Theory]
    [InlineData("lp-correlation")]
    [InlineData("noise-robustness")]
    [InlineData("learning-curves")]
    public async Task PlotProcess_Svg_StderrHasOnlyTheWroteLine(string kind)
    {
        using var temp = new TempDirectory();
        var records = temp.Sub("records");
        Directory.CreateDirectory(records);
        foreach (var record in SyntheticSweep.BuildWithNoise()) TrialRecordJson.WriteFile(Path.Combine(records, $"{record.Spec.Id}.json"), record);
        var svg = temp.Sub($"{kind}.svg");

        var (code, stdout, stderr) = await ToolProcess.RunAsync(temp.Path, "plot", records, "--kind", kind, "--out", svg);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal($"wrote {svg}", stderr.TrimEnd()); // no "Unsupported path effect" from Skia's SVG backend
        Assert.Equal("svg", System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName);
    }

    [Fact]
    public void SvgSafeLines_DashedFigure_SolidWhileAppliedAndRestoredAfter()
    {
        var figure = LearningCurvesPlot.Build(SyntheticSweep.Build(), "synth", null);
        var styles = figure.Panels.SelectMany(p => p.GetPlottables()).OfType<ScottPlot.IHasLine>().Select(h => h.LineStyle).ToList();
        var before = styles.Select(s => (s.Pattern, s.Color)).ToList();
        Assert.Contains(before, b => !SvgSafeLines.IsSolid(b.Pattern));

        using (SvgSafeLines.Apply(figure))
        {
            Assert.All(styles, s => Assert.True(SvgSafeLines.IsSolid(s.Pattern)));
            Assert.Contains(styles, s => s.Color.A < 255); // the formerly dashed lines are faded, not lost
        }

        Assert.Equal(before, styles.Select(s => (s.Pattern, s.Color)));
    }
}
