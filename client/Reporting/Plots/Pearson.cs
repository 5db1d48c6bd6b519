using MathNet.Numerics.Statistics;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>Pearson's r for the Figure 3 legend.</summary>
public static class Pearson
{
    /// <summary>Fewer points make r meaningless (two points always give +-1).</summary>
    public const int MinimumPoints = 3;

    /// <summary>Null with fewer than <see cref="MinimumPoints"/> pairs or when either side is constant.</summary>
    public static double? R(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values and y has {y.Count}: Pearson r needs pairs");
        }

        if (x.Count < MinimumPoints || x.Distinct().Count() < 2 || y.Distinct().Count() < 2)
        {
            return null;
        }

        var r = Correlation.Pearson(x, y);
        return double.IsFinite(r) ? r : null;
    }
}
