using System.Globalization;
using System.Text;
using System.Text.Json;
using AftSweep.Client.Reporting.Formats;

namespace AftSweep.Client.Reporting.Comparison;

/// <summary>A <see cref="SweepComparison"/> as Markdown, CSV (one row per cell) or JSON; LaTeX is per sweep only.</summary>
public static class ComparisonWriter
{
    public static string Write(SweepComparison comparison, ReportFormat format) => format switch
    {
        ReportFormat.Markdown => Markdown(comparison),
        ReportFormat.Csv => Csv(comparison),
        ReportFormat.Json => JsonSerializer.Serialize(comparison, JsonReportWriter.Options) + Environment.NewLine,
        _ => throw new ReportInputException("--format: comparing sweeps writes md, csv or json (latex tables are per sweep: `aftsweep results SOURCE --format latex`)"),
    };

    private static string Markdown(SweepComparison c)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# AftSweep results: {c.Sweeps.Count} sweeps compared");
        text.AppendLine();
        text.AppendLine("Final test accuracy (%), mean ± standard error over seeds, each sweep with the lambda its own stage 1 chose.");
        text.AppendLine();
        foreach (var sweep in c.Sweeps)
            text.AppendLine(CultureInfo.InvariantCulture, $"- `{Short(sweep.SweepId)}`: sweep {sweep.SweepId} ({string.Join(", ", sweep.Report.Datasets.Select(d => d.Dataset))}), from {sweep.Source}");
        foreach (var section in c.Sections)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {section.Title}");
            text.AppendLine();
            var headers = section.Groups.SelectMany(g => g.Combos.Select(combo => $"{Short(g.SweepId)}: {combo}")).ToList();
            text.AppendLine("| method | " + string.Join(" | ", headers) + " |");
            text.AppendLine("|---|" + string.Concat(headers.Select(_ => "---:|")));
            foreach (var row in section.Rows) text.AppendLine($"| {row.Method} | " + string.Join(" | ", row.Cells.Select(cell => cell.Text)) + " |");
            if (section.Groups.Count == 1) text.AppendLine().AppendLine("Only one of the sweeps ran this dataset.");
        }
        return text.ToString();
    }

    private static string Csv(SweepComparison c)
    {
        var text = new StringBuilder("dataset,downstream,sweep_id,method,combo,n,mean,se,lambda\n");
        foreach (var section in c.Sections)
        foreach (var row in section.Rows)
        foreach (var cell in row.Cells.Where(cell => cell.N > 0 || cell.Mean is not null))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{Quote(section.Dataset)},{Quote(section.Downstream)},{cell.SweepId},{Quote(row.Method)},{Quote(cell.Combo)},{cell.N},{Number(cell.Mean)},{Number(cell.StandardError)},{Number(cell.ChosenLambda)}\n");
        }
        return text.ToString();
    }

    /// <summary>The id's first 8 characters: enough to tell sweeps apart in a header (every verb accepts it).</summary>
    private static string Short(string sweepId) => sweepId.Length > 8 ? sweepId[..8] : sweepId;

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
