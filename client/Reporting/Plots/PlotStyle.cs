using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>Shared look: one colour per method across every plot, so "aft" is the same colour everywhere.</summary>
public static class PlotStyle
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    public static Color MethodColor(string method)
    {
        var index = AftSweep.Contracts.Methods.MethodCatalog.All.ToList().FindIndex(m => m.Name == method);
        return Palette.GetColor(index < 0 ? 0 : index);
    }

    public static Plot NewPanel(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Epochs and feature counts are whole numbers: no 1.5 ticks.</summary>
    public static void IntegerTicksOnX(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>The legend in its own panel right of the data: it never covers a point or a line.</summary>
    public static void LegendOutside(Plot plot)
    {
        if (plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)))) plot.ShowLegend(Edge.Right);
    }

    /// <summary>A line of means with a translucent band of ±1 standard error (drawn only where the error is known, i.e. two or more seeds).</summary>
    public static void MeanWithBand(Plot plot, double[] xs, IReadOnlyList<Plots.MeanBand> values, Color color, LinePattern pattern, string label)
    {
        if (values.Any(v => v.StandardError > 0))
        {
            var band = plot.Add.FillY(xs, values.Select(v => v.Mean - v.StandardError).ToArray(), values.Select(v => v.Mean + v.StandardError).ToArray());
            band.FillColor = color.WithAlpha(0.18);
            band.LineColor = Colors.Transparent;
        }
        var line = plot.Add.Scatter(xs, values.Select(v => v.Mean).ToArray(), color);
        line.LinePattern = pattern;
        line.MarkerSize = 4;
        line.LegendText = label;
    }

    /// <summary>Stacked panels over the same x quantity read best with the same x range.</summary>
    public static void ShareX(Plot source, Plot target)
    {
        var limits = source.Axes.GetLimits();
        target.Axes.SetLimitsX(limits.Left, limits.Right);
    }
}
