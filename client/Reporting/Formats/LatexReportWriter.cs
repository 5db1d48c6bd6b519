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

            if (dataset.Ablation is { } ablation)
            {
                WriteResultTable(tex, ablation, $"{Escape(dataset.Title)}: aft vs its ablations, test accuracy (\\%).");
            }

            if (dataset.Lambdas.Count > 0)
            {
                Begin(tex, $"{Escape(dataset.Title)}: chosen $\\lambda$ per cell and mean holdout accuracy (\\%) of every $\\lambda$.", "llll");
                tex.AppendLine("Method & Combo & Chosen $\\lambda$ & Holdout accuracy by $\\lambda$ \\\\").AppendLine("\\midrule");
                foreach (var row in dataset.Lambdas)
                {
                    var scores = string.Join(", ", row.Scores.Select(s =>
                    {
                        var text = $"{CellText.Lambda(s.Lambda)}: {CellText.Percent(s.MeanHoldoutAccuracy)}";
                        return s.Lambda == row.ChosenLambda ? $"\\textbf{{{text}}}" : text;
                    }));
                    tex.AppendLine($"{Escape(row.Method)} & {Escape(row.Combo)} & {CellText.Lambda(row.ChosenLambda)} & {scores} \\\\");
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
