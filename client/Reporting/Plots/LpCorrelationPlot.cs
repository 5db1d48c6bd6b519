using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

public sealed record LpPoint(string Combo, double LinearProbeAccuracy, double Accuracy);

public sealed record LpCorrelationSeries(string Method, IReadOnlyList<LpPoint> Points, double? R);

/// <summary>
/// The paper's Figure 3: per teacher combo, a method's mean test accuracy (y) against the linear probe's mean test
/// accuracy on the same combo's features (x); one series per method, Pearson r over its combos in the legend.
/// </summary>
public static class LpCorrelationPlot
{
    public static IReadOnlyList<LpCorrelationSeries> Series(DatasetSummary dataset)
    {
        var probe = dataset.Cells
            .Where(c => c.Method == MethodId.LinearProbe && c.Statistics is not null)
            .ToDictionary(c => c.ComboKey, c => c.Statistics!.Mean);
        if (probe.Count == 0)
        {
            throw new ReportInputException(
                $"{dataset.Title}: no finished linear-probe trial: the lp-correlation plot needs the linear-probe method run on the teacher combos");
        }

        var series = dataset.Cells
            .Where(c => c.Info.UsesTeachers && c.Method != MethodId.LinearProbe && c.Statistics is not null && probe.ContainsKey(c.ComboKey))
            .GroupBy(c => c.Method)
            .Select(g =>
            {
                var points = g.Select(c => new LpPoint(c.ComboKey, probe[c.ComboKey], c.Statistics!.Mean)).ToList();
                return new LpCorrelationSeries(g.Key.NameOf(), points,
                    Pearson.R(points.Select(p => p.LinearProbeAccuracy).ToList(), points.Select(p => p.Accuracy).ToList()));
            })
            .ToList();
        if (series.Count == 0)
        {
            throw new ReportInputException(
                $"{dataset.Title}: no transfer method finished on a combo the linear probe ran on: nothing to correlate");
        }

        return series;
    }

    public static Figure Build(DatasetSummary dataset)
    {
        var series = Series(dataset);
        var plot = PlotStyle.NewPanel($"{dataset.Title}: accuracy vs linear-probe accuracy", "linear-probe test accuracy (%)", "test accuracy (%)");
        foreach (var s in series)
        {
            var scatter = plot.Add.ScatterPoints(
                s.Points.Select(p => p.LinearProbeAccuracy * 100).ToArray(),
                s.Points.Select(p => p.Accuracy * 100).ToArray(),
                PlotStyle.MethodColor(s.Method));
            scatter.MarkerSize = 9;
            var r = s.R is { } value ? $"r = {CellText.Number(value, "F2")}" : "r n/a";
            scatter.LegendText = $"{s.Method} ({r}, {s.Points.Count} combo{(s.Points.Count == 1 ? "" : "s")})";
        }

        // Every point carries its combo, in its method's colour, just right of it: no point is left to guess.
        foreach (var s in series)
        {
            foreach (var point in s.Points)
            {
                var label = plot.Add.Text(point.Combo, point.LinearProbeAccuracy * 100, point.Accuracy * 100);
                label.LabelFontSize = 11;
                label.LabelFontColor = PlotStyle.MethodColor(s.Method);
                label.LabelAlignment = Alignment.MiddleLeft;
                label.OffsetX = 7;
            }
        }

        if (dataset.Cells.FirstOrDefault(c => c.Method == MethodId.Stl)?.Statistics is { } stl)
        {
            var line = plot.Add.HorizontalLine(stl.Mean * 100);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
            line.LegendText = "stl (no teacher)";
        }

        PlotStyle.LegendOutside(plot);
        return new Figure([plot], Width: 1100);
    }
}
