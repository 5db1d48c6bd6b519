using System.Globalization;

namespace AftSweep.Client.Reporting;

/// <summary>How numbers read in every human format: accuracies in percent with one decimal, lambdas shortest-exact.</summary>
public static class CellText
{
    /// <summary>The paper shows n when fewer than 3 seeds finished; a cell short of the sweep's seeds shows it too.</summary>
    public const int ShowNBelow = 3;

    /// <summary>"81.2 ± 0.4", "81.2 ± 0.4 (n=2)", "81.2 (n=1)" (no SE with one seed), "failed" or "pending".</summary>
    public static string Value(TableCell cell, string plusMinus = "±")
    {
        if (cell.Mean is not { } mean)
        {
            return cell.FailedTrials > 0 ? "failed" : "pending";
        }

        var text = cell.StandardErrorDefined
            ? $"{Percent(mean)} {plusMinus} {Percent(cell.StandardError!.Value)}"
            : Percent(mean);
        return cell.N < ShowNBelow || cell.Flagged ? $"{text} (n={cell.N})" : text;
    }

    public static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture);

    public static string SignedPercent(double fraction) => (fraction * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    public static string Lambda(double? lambda) =>
        lambda is { } l ? l.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal) : "–";

    /// <summary>A difference of accuracies in percentage points, signed: "+2.3", "-0.4".</summary>
    public static string Points(double fraction) => (fraction * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    /// <summary>The 95% interval of a comparison in points ("[+0.4, +4.1]"), or "–" when there is none.</summary>
    public static string Interval(ComparisonRow row) =>
        row.CiLow is { } low && row.CiHigh is { } high ? $"[{Points(low)}, {Points(high)}]" : "–";

    /// <summary>"aft − stl", "aft − best other (kd)", "aft − aft-identity".</summary>
    public static string Comparison(ComparisonRow row, string minus = "−") => row.Role switch
    {
        "best-other" => $"{row.Method} {minus} best other ({row.Baseline})",
        _ => $"{row.Method} {minus} {row.Baseline}",
    };

    /// <summary>"widen the grid: lowest λ chosen" for a cell whose choice sits at an edge; "" otherwise.</summary>
    public static string Edge(string? edge, string symbol = "λ") => edge is null ? "" : $"widen the grid: {edge} {symbol} chosen";

    public static string Number(double value, string format = "G6") => value.ToString(format, CultureInfo.InvariantCulture);
}
