using System.Text;

namespace AftSweep.Client.Reporting.Formats;

/// <summary>GitHub-flavoured Markdown: best per column in **bold**, within one SE of it marked with a dagger (†).</summary>
public sealed class MarkdownReportWriter : IReportWriter
{
    public const string WithinMark = "†";

    public string Write(ResultsReport report)
    {
        var md = new StringBuilder();
        md.AppendLine($"# AftSweep results: sweep {string.Join(", ", report.SweepIds)}");
        foreach (var dataset in report.Datasets)
        {
            WriteDataset(md, dataset);
        }

        return md.ToString();
    }

    private static void WriteDataset(StringBuilder md, DatasetReport dataset)
    {
        md.AppendLine().AppendLine($"## {dataset.Title}").AppendLine();
        md.AppendLine($"Test accuracy (%), mean ± standard error over {dataset.ExpectedSeeds} seeds. " +
                      $"**Bold**: best in its column. {WithinMark}: within one SE of the best. (n=k): only k seeds finished. " +
                      "stl and scratch use no teacher: their result is repeated in every column.").AppendLine();
        WriteTable(md, dataset.Main);

        if (dataset.Notes.Count > 0)
        {
            md.AppendLine().AppendLine("Notes:");
            foreach (var note in dataset.Notes)
            {
                md.AppendLine($"- {note.ReplaceLineEndings(" ")}");
            }
        }

        WriteComparisons(md, dataset);

        if (dataset.Ablation is { } ablation)
        {
            md.AppendLine().AppendLine("### Ablations: aft vs its variants").AppendLine();
            WriteTable(md, ablation);
        }

        if (dataset.Lambdas.Count > 0)
        {
            md.AppendLine().AppendLine("### Chosen lambda (stage 1: mean holdout accuracy %, chosen in bold)").AppendLine();
            md.AppendLine("| method | combo | chosen λ | holdout rows | holdout accuracy by λ | edge |").AppendLine("|---|---|---|---:|---|---|");
            foreach (var row in dataset.Lambdas)
            {
                var scores = row.Scores.Count == 0
                    ? "no finished selection trial"
                    : string.Join(" · ", row.Scores.Select(s =>
                    {
                        var text = $"{CellText.Lambda(s.Lambda)}: {CellText.Percent(s.MeanHoldoutAccuracy)}";
                        return s.Lambda == row.ChosenLambda ? $"**{text}**" : text;
                    }));
                md.AppendLine($"| {row.Method} | {Escape(row.Combo)} | {CellText.Lambda(row.ChosenLambda)} | {row.HoldoutRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–"} | {scores} | {CellText.Edge(row.Edge)} |");
            }
        }

        if (dataset.LinearProbe.Count > 0)
        {
            md.AppendLine().AppendLine("### Linear probe (logistic regression on the teacher features, fitted to convergence; L2 chosen on a holdout of the training rows)").AppendLine();
            md.AppendLine("| combo | test accuracy | chosen L2 | holdout rows | converged | edge |").AppendLine("|---|---:|---|---:|---|---|");
            foreach (var row in dataset.LinearProbe)
            {
                var accuracy = row.Mean is { } mean ? CellText.Percent(mean) + (row.N < CellText.ShowNBelow ? $" (n={row.N})" : "") : "–";
                var l2 = row.ChosenL2.Count == 0 ? "–" : string.Join(", ", row.ChosenL2.Select(l => CellText.Lambda(l)));
                var converged = row.ConvergedSeeds is { } c ? $"{c} of {row.N} seeds" : "–";
                md.AppendLine($"| {Escape(row.Combo)} | {accuracy} | {l2} | {row.HoldoutRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–"} | {converged} | {CellText.Edge(row.L2Edge, "L2")} |");
            }
        }

        if (dataset.ErrorReductions.Count > 0)
        {
            var columns = dataset.Main.Columns;
            md.AppendLine().AppendLine("### Relative error reduction vs stl: (err_stl − err) / err_stl").AppendLine();
            md.AppendLine($"| method | mean | {string.Join(" | ", columns.Select(Escape))} |");
            md.AppendLine($"|---|---|{string.Concat(columns.Select(_ => "---|"))}");
            foreach (var row in dataset.ErrorReductions)
            {
                var perColumn = columns.Select(c => row.PerCombo.FirstOrDefault(v => v.Combo == c) is { } v ? CellText.SignedPercent(v.Value) : "–");
                md.AppendLine($"| {row.Method} | {(row.Mean is { } m ? CellText.SignedPercent(m) : "–")} | {string.Join(" | ", perColumn)} |");
            }
        }

        if (dataset.Rho.Count > 0)
        {
            md.AppendLine().AppendLine("### Learned rho per teacher (mean over final seeds)").AppendLine();
            md.AppendLine("| method | combo | teacher | spec | width | sum of rho | mean rho |").AppendLine("|---|---|---|---|---|---|---|");
            foreach (var row in dataset.Rho)
            {
                md.AppendLine($"| {row.Method} | {Escape(row.Combo)} | {row.Teacher} | {row.Spec} | {row.Width} | {CellText.Number(row.Sum, "F2")} | {CellText.Number(row.Mean, "F3")} |");
            }
        }

        if (dataset.Failures.Count > 0)
        {
            md.AppendLine().AppendLine("### Failed trials").AppendLine();
            md.AppendLine("| method | combo | stage | λ | seed | attempts | trial | last error |").AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var f in dataset.Failures)
            {
                md.AppendLine($"| {f.Method} | {Escape(f.Combo)} | {f.Stage} | {CellText.Lambda(f.Lambda)} | {f.Seed} | {f.Attempts} | {f.TrialId} | {Escape(f.Error)} |");
            }
        }
    }

    private static void WriteComparisons(StringBuilder md, DatasetReport dataset)
    {
        if (dataset.Comparisons.Count == 0) return;
        md.AppendLine().AppendLine("### Paired comparisons (test accuracy difference in points, mean over the seeds both methods finished, 95% t-interval over seeds)").AppendLine();
        md.AppendLine("A difference is **resolved** only when its interval excludes 0; otherwise it is \"not resolved\", whatever the sign of the mean.").AppendLine();
        md.AppendLine("| combo | comparison | n | difference | 95% CI | verdict |").AppendLine("|---|---|---:|---:|---|---|");
        foreach (var row in dataset.Comparisons)
        {
            var difference = row.MeanDifference is { } d ? CellText.Points(d) : "–";
            var verdict = row.Resolved ? $"**{row.Verdict}**" : row.Verdict;
            md.AppendLine($"| {Escape(row.Combo)} | {CellText.Comparison(row)} | {row.N} | {difference} | {CellText.Interval(row)} | {verdict} |");
        }
    }

    private static void WriteTable(StringBuilder md, ResultTable table)
    {
        md.AppendLine($"| method | {string.Join(" | ", table.Columns.Select(Escape))} |");
        md.AppendLine($"|---|{string.Concat(table.Columns.Select(_ => "---:|"))}");
        foreach (var row in table.Rows)
        {
            md.AppendLine($"| {row.Method} | {string.Join(" | ", row.Cells.Select(Cell))} |");
        }
    }

    private static string Cell(TableCell? cell)
    {
        if (cell is null)
        {
            return "–";
        }

        var text = CellText.Value(cell);
        return cell.Best ? $"**{text}**" : cell.WithinOneSe ? $"{text}{WithinMark}" : text;
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
