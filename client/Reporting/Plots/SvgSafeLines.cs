using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>
/// Skia's SVG backend cannot write dash path effects: it draws them solid and prints "Unsupported path effect" to the
/// process's stderr (native code, one line per line drawn). For SVG, dashed and dotted lines are drawn solid and faded
/// instead, which keeps them apart from the solid series, and restored afterwards so the same figure still renders
/// dashed as PNG.
/// </summary>
public sealed class SvgSafeLines : IDisposable
{
    /// <summary>How much of its colour's opacity a patterned line keeps when drawn solid.</summary>
    public const double PatternedAlpha = 0.5;

    private readonly List<(LineStyle Style, LinePattern Pattern, Color Color)> _changed = [];

    private SvgSafeLines(Figure figure)
    {
        var styles = figure.Panels.SelectMany(p => p.GetPlottables()).OfType<IHasLine>().Select(h => h.LineStyle).Distinct();
        foreach (var style in styles)
        {
            if (IsSolid(style.Pattern)) continue;
            _changed.Add((style, style.Pattern, style.Color));
            style.Pattern = LinePattern.Solid;
            style.Color = style.Color.WithAlpha(style.Color.A / 255.0 * PatternedAlpha);
        }
    }

    public static SvgSafeLines Apply(Figure figure) => new(figure);

    public static bool IsSolid(LinePattern pattern) => pattern.Equals(LinePattern.Solid) || pattern.Intervals is null || pattern.Intervals.Length == 0;

    public void Dispose()
    {
        foreach (var (style, pattern, color) in _changed)
        {
            style.Pattern = pattern;
            style.Color = color;
        }
    }
}
