using System.Text;

namespace AftSweep.Client.Reporting.Formats;

/// <summary>
/// LaTeX tables for a paper (needs \usepackage{booktabs}): best per column in \textbf, within one SE of it
/// marked $^\dagger$.
/// </summary>
public sealed class LatexReportWriter : IReportWriter
{
    public string Write(ResultsReport report)
    {
        var tex = new StringBuilder();
        tex.AppendLine($"% AftSweep results: sweep {Escape(string.Join(", ", report.SweepIds))}. Needs \\usepackage{{booktabs}}.");
        foreach (var dataset in report.Datasets)
        {
            WriteResultTable(tex, dataset.Main,
                $"{Escape(dataset.Title)}: test accuracy (\\%), mean $\\pm$ SE over {dataset.ExpectedSeeds} seeds. " +
                "Bold: best per column; $^\\dagger$: within one SE of the best; (n=k): only k seeds finished." +
                (dataset.StlEqualsScratch ? " stl and scratch coincide (no pre-trained downstream weights)." : ""));

            if (dataset.Comparisons.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: paired differences of test accuracy (points), mean over the seeds both methods finished, " +
                           "with a 95\\% $t$-interval over seeds; resolved only when the interval excludes 0.", "lllrrl");
                tex.AppendLine("Combo & Comparison & $n$ & Difference & 95\\% CI & Verdict \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.Comparisons)
                {
                    var difference = row.MeanDifference is { } d ? CellText.Points(d) : "--";
                    var interval = CellText.Interval(row).Replace("–", "--", StringComparison.Ordinal);
                    tex.AppendLine($"{Escape(row.Combo)} & {Escape(CellText.Comparison(row, "-"))} & {row.N} & {difference} & {interval} & {Escape(row.Verdict)} \\\\");
                }

                End(tex);
            }

            if (dataset.Ablation is { } ablation)
            {
                WriteResultTable(tex, ablation, $"{Escape(dataset.Title)}: aft vs its ablations, test accuracy (\\%).");
            }

            if (dataset.Lambdas.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: chosen $\\lambda$ per cell, the holdout rows it was chosen on, and mean holdout accuracy (\\%) of every $\\lambda$. " +
                           "$^\\ast$: the chosen $\\lambda$ is an end of its grid (widen the grid).", "llrrl");
                tex.AppendLine("Method & Combo & Chosen $\\lambda$ & Holdout rows & Holdout accuracy by $\\lambda$ \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.Lambdas)
                {
                    var scores = string.Join(", ", row.Scores.Select(s =>
                    {
                        var text = $"{CellText.Lambda(s.Lambda)}: {CellText.Percent(s.MeanHoldoutAccuracy)}";
                        return s.Lambda == row.ChosenLambda ? $"\\textbf{{{text}}}" : text;
                    }));
                    var chosen = CellText.Lambda(row.ChosenLambda) + (row.Edge is null ? "" : "$^\\ast$");
                    tex.AppendLine($"{Escape(row.Method)} & {Escape(row.Combo)} & {chosen} & {row.HoldoutRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "--"} & {scores} \\\\");
                }

                End(tex);
            }

            if (dataset.LinearProbe.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: linear probe (logistic regression fitted to convergence), test accuracy (\\%), the L2 strength chosen on a holdout of the training rows. " +
                           "$^\\ast$: an end of the L2 grid.", "lrlrl");
                tex.AppendLine("Combo & Accuracy & Chosen L2 & Holdout rows & Converged \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.LinearProbe)
                {
                    var l2 = row.ChosenL2.Count == 0 ? "--" : string.Join(", ", row.ChosenL2.Select(l => CellText.Lambda(l))) + (row.L2Edge is null ? "" : "$^\\ast$");
                    tex.AppendLine($"{Escape(row.Combo)} & {(row.Mean is { } m ? CellText.Percent(m) : "--")} & {l2} & " +
                                   $"{row.HoldoutRows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "--"} & {(row.ConvergedSeeds is { } c ? $"{c} of {row.N}" : "--")} \\\\");
                }

                End(tex);
            }

            if (dataset.ErrorReductions.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: relative error reduction vs stl, $(\\mathrm{{err}}_{{stl}} - \\mathrm{{err}}) / \\mathrm{{err}}_{{stl}}$.", "l" + new string('r', dataset.Main.Columns.Count + 1));
                tex.AppendLine($"Method & Mean & {string.Join(" & ", dataset.Main.Columns.Select(Escape))} \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.ErrorReductions)
                {
                    var perColumn = dataset.Main.Columns.Select(c => row.PerCombo.FirstOrDefault(v => v.Combo == c) is { } v ? Escape(CellText.SignedPercent(v.Value)) : "--");
                    tex.AppendLine($"{Escape(row.Method)} & {(row.Mean is { } m ? Escape(CellText.SignedPercent(m)) : "--")} & {string.Join(" & ", perColumn)} \\\\");
                }

                End(tex);
            }

            if (dataset.Rho.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: learned $\\rho$ per teacher (mean over final seeds).", "lllrrr");
                tex.AppendLine("Method & Combo & Teacher & Width & $\\sum \\rho$ & Mean $\\rho$ \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.Rho)
                {
                    tex.AppendLine($"{Escape(row.Method)} & {Escape(row.Combo)} & {Escape(row.Teacher)} & {row.Width} & {CellText.Number(row.Sum, "F2")} & {CellText.Number(row.Mean, "F3")} \\\\");
                }

                End(tex);
            }
        }

        return tex.ToString();
    }

    private static void WriteResultTable(StringBuilder tex, ResultTable table, string caption)
    {
        Begin(tex, caption, "l" + new string('c', table.Columns.Count));
        tex.AppendLine($"Method & {string.Join(" & ", table.Columns.Select(Escape))} \\\\").AppendLine("\\midrule");
        foreach (var row in table.Rows)
        {
            tex.AppendLine($"{Escape(row.Method)} & {string.Join(" & ", row.Cells.Select(Cell))} \\\\");
        }

        End(tex);
    }

    private static string Cell(TableCell? cell)
    {
        if (cell is null)
        {
            return "--";
        }

        var text = CellText.Value(cell, "$\\pm$");
        return cell.Best ? $"\\textbf{{{text}}}" : cell.WithinOneSe ? $"{text}$^\\dagger$" : text;
    }

    private static void Begin(StringBuilder tex, string caption, string columns) =>
        tex.AppendLine().AppendLine("\\begin{table}[t]").AppendLine("\\centering").AppendLine($"\\caption{{{caption}}}")
            .AppendLine($"\\begin{{tabular}}{{{columns}}}").AppendLine("\\toprule");

    private static void End(StringBuilder tex) =>
        tex.AppendLine("\\bottomrule").AppendLine("\\end{tabular}").AppendLine("\\end{table}");

    /// <summary>Escapes LaTeX's special characters in names (teacher names, combos, methods).</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            sb.Append(ch switch
            {
                '\\' => "\\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => $"\\{ch}",
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                _ => ch.ToString(),
            });
        }

        return sb.ToString();
    }
}
