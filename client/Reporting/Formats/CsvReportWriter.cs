using System.Text;

namespace AftSweep.Client.Reporting.Formats;

/// <summary>
/// One tidy row per (dataset, method, combo) cell of the main table (stl and scratch once per column, as in the
/// table), RFC 4180 quoting, invariant numbers, accuracies as fractions. Lists inside a field use ';' between
/// items and ':' between key and value ("0:0.81;1:0.83"). The aft row of each column also carries that column's
/// paired comparisons (vs stl, vs kd, vs the best other baseline): n, mean difference, 95% interval, resolved.
/// </summary>
public sealed class CsvReportWriter : IReportWriter
{
    public static readonly IReadOnlyList<string> Header =
    [
        "dataset", "downstream", "method", "combo", "n", "expected_seeds", "flagged", "mean", "se", "se_defined",
        "best", "within_one_se", "chosen_lambda", "lambda_holdout", "rel_err_reduction_vs_stl", "failed_trials",
        "unfinished_trials", "seed_accuracies", "rho_sum_by_teacher",
        "lambda_edge", "holdout_rows", "probe_l2",
        .. ComparisonColumns("vs_stl"), .. ComparisonColumns("vs_kd"), "best_other", .. ComparisonColumns("vs_best_other"),
    ];

    private static readonly (string Prefix, string Role)[] Comparisons = [("vs_stl", "stl"), ("vs_kd", "kd"), ("vs_best_other", "best-other")];

    private static string[] ComparisonColumns(string prefix) =>
        [$"{prefix}_n", $"{prefix}_diff", $"{prefix}_ci_low", $"{prefix}_ci_high", $"{prefix}_resolved"];

    public string Write(ResultsReport report)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", Header));
        foreach (var dataset in report.Datasets)
        {
            foreach (var row in dataset.Main.Rows)
            {
                foreach (var cell in row.Cells.OfType<TableCell>())
                {
                    var lambdas = dataset.Lambdas.FirstOrDefault(l => l.Method == cell.Method && l.Combo == cell.Combo);
                    var rho = dataset.Rho.Where(r => r.Method == cell.Method && r.Combo == cell.Combo);
                    string[] fields =
                    [
                        dataset.Dataset, dataset.Downstream, cell.Method, cell.Combo,
                        cell.N.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        cell.ExpectedSeeds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Bool(cell.Flagged), Num(cell.Mean), Num(cell.StandardError), Bool(cell.StandardErrorDefined),
                        Bool(cell.Best), Bool(cell.WithinOneSe), Num(cell.ChosenLambda),
                        lambdas is null ? "" : string.Join(";", lambdas.Scores.Select(s => $"{CellText.Number(s.Lambda, "R")}:{CellText.Number(s.MeanHoldoutAccuracy, "R")}")),
                        Num(cell.RelativeErrorReductionVsStl),
                        cell.FailedTrials.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        cell.UnfinishedTrials.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        string.Join(";", cell.Seeds.Select(s => $"{s.Seed}:{CellText.Number(s.Accuracy, "R")}")),
                        string.Join(";", rho.Select(r => $"{r.Teacher}:{CellText.Number(r.Sum, "R")}")),
                        cell.LambdaEdge ?? "",
                        cell.HoldoutRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                        Num(cell.ProbeL2),
                        .. ComparisonFields(dataset, cell),
                    ];
                    csv.AppendLine(string.Join(",", fields.Select(Quote)));
                }
            }
        }

        return csv.ToString();
    }

    /// <summary>The aft row of a column carries its comparisons; every other row leaves these fields empty.</summary>
    private static IEnumerable<string> ComparisonFields(DatasetReport dataset, TableCell cell)
    {
        foreach (var (_, role) in Comparisons)
        {
            var row = dataset.Comparisons.FirstOrDefault(c => c.Method == cell.Method && c.Combo == cell.Combo && c.Role == role);
            if (role == "best-other") yield return row?.Baseline ?? "";
            if (row is null)
            {
                foreach (var _ in ComparisonColumns("")) yield return "";
                continue;
            }

            yield return row.N.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return Num(row.MeanDifference);
            yield return Num(row.CiLow);
            yield return Num(row.CiHigh);
            yield return Bool(row.Resolved);
        }
    }

    private static string Num(double? value) => value is { } v ? CellText.Number(v, "R") : "";

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
