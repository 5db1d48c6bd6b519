using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

public sealed record NoisePoint(int NoiseFeatures, string Combo, double Mean, double StandardError, int N);

/// <param name="RealTeachers">The real teachers the noise was concatenated with ("minilm").</param>
public sealed record NoiseSeries(string Method, string RealTeachers, IReadOnlyList<NoisePoint> Points);

/// <param name="NoiseMeanRho">Null at 0 noise features.</param>
public sealed record RhoPoint(int NoiseFeatures, double RealMeanRho, double? NoiseMeanRho);

public sealed record RhoSeries(string Method, string RealTeachers, IReadOnlyList<RhoPoint> Points);

/// <summary>
/// The paper's Figure 6: test accuracy against the number of noise features D (from the combo's "noise:D"
/// teachers; the real teachers alone are D = 0) per method, e.g. aft vs kd; and, for methods that learn rho, the
/// mean rho on the real teachers' features vs on the noise features.
/// </summary>
public static class NoiseRobustnessPlot
{
    public static (IReadOnlyList<NoiseSeries> Accuracy, IReadOnlyList<RhoSeries> Rho) Series(DatasetSummary dataset)
    {
        var realKeys = dataset.Combos
            .Where(c => NoiseTeacher.HasNoise(c, out _))
            .Select(NoiseTeacher.RealTeachersKey)
            .ToHashSet(StringComparer.Ordinal);
        if (realKeys.Count == 0)
        {
            throw new ReportInputException(
                $"{dataset.Title}: no teacher combo has a noise:D teacher: the noise-robustness plot needs combos such as [real, noise] with a \"noise:D\" teacher");
        }

        var cells = dataset.Cells
            .Where(c => c.Info.UsesTeachers && c.Method != MethodId.LinearProbe && c.Statistics is not null)
            .Where(c => realKeys.Contains(NoiseTeacher.RealTeachersKey(c.Combo)))
            .GroupBy(c => (c.Method, Real: NoiseTeacher.RealTeachersKey(c.Combo)))
            .Where(g => g.Any(c => NoiseTeacher.NoiseFeatures(c.Combo) > 0))
            .OrderBy(g => g.Key.Method).ThenBy(g => g.Key.Real, StringComparer.Ordinal)
            .ToList();
        if (cells.Count == 0)
        {
            throw new ReportInputException($"{dataset.Title}: no method finished a trial on a combo with a noise teacher: nothing to plot");
        }

        var accuracy = cells.Select(g => new NoiseSeries(g.Key.Method.NameOf(), g.Key.Real, g
            .OrderBy(c => NoiseTeacher.NoiseFeatures(c.Combo))
            .Select(c => new NoisePoint(NoiseTeacher.NoiseFeatures(c.Combo), c.ComboKey, c.Statistics!.Mean, c.Statistics.StandardError, c.N))
            .ToList())).ToList();

        var rho = cells
            .Select(g => new RhoSeries(g.Key.Method.NameOf(), g.Key.Real, g
                .Where(c => c.RhoByTeacher.Count > 0)
                .OrderBy(c => NoiseTeacher.NoiseFeatures(c.Combo))
                .Select(c => new RhoPoint(NoiseTeacher.NoiseFeatures(c.Combo), MeanRho(c, noise: false) ?? 0, MeanRho(c, noise: true)))
                .ToList()))
            .Where(s => s.Points.Count > 0)
            .ToList();
        return (accuracy, rho);
    }

    public static Figure Build(DatasetSummary dataset)
    {
        var (accuracy, rho) = Series(dataset);
        var several = accuracy.Select(s => s.RealTeachers).Distinct().Count() > 1;
        string Label(string method, string real) => several ? $"{method} ({(real.Length == 0 ? "noise only" : real)})" : method;

        var top = PlotStyle.NewPanel($"{dataset.Title}: robustness to noise features", "noise features D", "test accuracy (%)");
        foreach (var s in accuracy)
        {
            var xs = s.Points.Select(p => (double)p.NoiseFeatures).ToArray();
            var ys = s.Points.Select(p => p.Mean * 100).ToArray();
            var color = PlotStyle.MethodColor(s.Method);
            var line = top.Add.Scatter(xs, ys, color);
            line.MarkerSize = 8;
            line.LegendText = Label(s.Method, s.RealTeachers);
            var bars = top.Add.ErrorBar(xs, ys, s.Points.Select(p => p.StandardError * 100).ToArray());
            bars.Color = color;
        }

        if (dataset.Cells.FirstOrDefault(c => c.Method == MethodId.Stl)?.Statistics is { } stl)
        {
            var baseline = top.Add.HorizontalLine(stl.Mean * 100);
            baseline.LinePattern = LinePattern.Dashed;
            baseline.Color = Colors.Gray;
            baseline.LegendText = "stl (no teacher)";
        }

        PlotStyle.LegendOutside(top);
        PlotStyle.IntegerTicksOnX(top);
        top.Axes.AutoScale();
        if (rho.Count == 0)
        {
            return new Figure([top], Width: 1100);
        }

        var bottom = PlotStyle.NewPanel("learned rho: real vs noise features", "noise features D", "mean rho per feature");
        foreach (var s in rho)
        {
            var color = PlotStyle.MethodColor(s.Method);
            var real = bottom.Add.Scatter(s.Points.Select(p => (double)p.NoiseFeatures).ToArray(), s.Points.Select(p => p.RealMeanRho).ToArray(), color);
            real.LegendText = $"{Label(s.Method, s.RealTeachers)}: real features";
            real.MarkerSize = 8;
            var noisy = s.Points.Where(p => p.NoiseMeanRho is not null).ToList();
            if (noisy.Count > 0)
            {
                var noise = bottom.Add.Scatter(noisy.Select(p => (double)p.NoiseFeatures).ToArray(), noisy.Select(p => p.NoiseMeanRho!.Value).ToArray(), color);
                noise.LinePattern = LinePattern.Dashed;
                noise.MarkerShape = MarkerShape.OpenCircle;
                noise.MarkerSize = 8;
                noise.LegendText = $"{Label(s.Method, s.RealTeachers)}: noise features";
            }
        }

        bottom.Axes.SetLimitsY(0, 1);
        PlotStyle.IntegerTicksOnX(bottom);
        PlotStyle.ShareX(top, bottom);
        PlotStyle.LegendOutside(bottom);
        return new Figure([top, bottom], Width: 1100);
    }

    private static double? MeanRho(CellSummary cell, bool noise)
    {
        var blocks = cell.RhoByTeacher.Where(t => t.IsNoise == noise).ToList();
        var width = blocks.Sum(b => b.Width);
        return width == 0 ? null : blocks.Sum(b => b.MeanSum) / width;
    }
}
