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

    public static string Lambda(double? lambda) => lambda is { } l ? l.ToString("G6", CultureInfo.InvariantCulture) : "–";

    public static string Number(double value, string format = "G6") => value.ToString(format, CultureInfo.InvariantCulture);
}
