using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>One image: panels stacked top to bottom, each <see cref="PanelHeight"/> pixels high.</summary>
public sealed record Figure(IReadOnlyList<Plot> Panels, int Width = 900, int PanelHeight = 560)
{
    public int Height => PanelHeight * Panels.Count;
}
