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

        if (dataset.Ablation is { } ablation)
        {
            md.AppendLine().AppendLine("### Ablations: aft vs its variants").AppendLine();
            WriteTable(md, ablation);
        }

        if (dataset.Lambdas.Count > 0)
        {
            md.AppendLine().AppendLine("### Chosen lambda (stage 1: mean holdout accuracy %, chosen in bold)").AppendLine();
            md.AppendLine("| method | combo | chosen λ | holdout accuracy by λ |").AppendLine("|---|---|---|---|");
            foreach (var row in dataset.Lambdas)
            {
                var scores = row.Scores.Count == 0
                    ? "no finished selection trial"
                    : string.Join(" · ", row.Scores.Select(s =>
                    {
                        var text = $"{CellText.Lambda(s.Lambda)}: {CellText.Percent(s.MeanHoldoutAccuracy)}";
                        return s.Lambda == row.ChosenLambda ? $"**{text}**" : text;
                    }));
                md.AppendLine($"| {row.Method} | {Escape(row.Combo)} | {CellText.Lambda(row.ChosenLambda)} | {scores} |");
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
