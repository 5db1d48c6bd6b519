using System.Text;

namespace AftSweep.Client.Reporting.Formats;

/// <summary>
/// One tidy row per (dataset, method, combo) cell of the main table (stl and scratch once per column, as in the
/// table), RFC 4180 quoting, invariant numbers, accuracies as fractions. Lists inside a field use ';' between
/// items and ':' between key and value ("0:0.81;1:0.83").
/// </summary>
public sealed class CsvReportWriter : IReportWriter
{
    public static readonly IReadOnlyList<string> Header =
    [
        "dataset", "downstream", "method", "combo", "n", "expected_seeds", "flagged", "mean", "se", "se_defined",
        "best", "within_one_se", "chosen_lambda", "lambda_holdout", "rel_err_reduction_vs_stl", "failed_trials",
        "unfinished_trials", "seed_accuracies", "rho_sum_by_teacher",
    ];

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
                    ];
                    csv.AppendLine(string.Join(",", fields.Select(Quote)));
                }
            }
        }

        return csv.ToString();
    }

    private static string Num(double? value) => value is { } v ? CellText.Number(v, "R") : "";

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
