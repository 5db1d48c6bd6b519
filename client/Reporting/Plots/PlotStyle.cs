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

    /// <summary>Stacked panels over the same x quantity read best with the same x range.</summary>
    public static void ShareX(Plot source, Plot target)
    {
        var limits = source.Axes.GetLimits();
        target.Axes.SetLimitsX(limits.Left, limits.Right);
    }
}
