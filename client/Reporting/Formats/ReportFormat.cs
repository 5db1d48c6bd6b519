namespace AftSweep.Client.Reporting.Formats;

public enum ReportFormat
{
    Markdown = 1,
    Csv = 2,
    Latex = 3,
    Json = 4,
}

public static class ReportFormats
{
    public const string Names = "md, csv, latex, json";

    /// <summary>"md|markdown|csv|latex|tex|json" (case-insensitive).</summary>
    public static ReportFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "md" or "markdown" => ReportFormat.Markdown,
        "csv" => ReportFormat.Csv,
        "latex" or "tex" => ReportFormat.Latex,
        "json" => ReportFormat.Json,
        _ => throw new ReportInputException($"--format: '{name}' is not a format (expected one of {Names})"),
    };

    /// <summary>The format an output file's extension implies (.md, .csv, .tex, .json), if any.</summary>
    public static ReportFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".md" => ReportFormat.Markdown,
        ".csv" => ReportFormat.Csv,
        ".tex" => ReportFormat.Latex,
        ".json" => ReportFormat.Json,
        _ => null,
    };

    public static IReportWriter Writer(ReportFormat format) => format switch
    {
        ReportFormat.Markdown => new MarkdownReportWriter(),
        ReportFormat.Csv => new CsvReportWriter(),
        ReportFormat.Latex => new LatexReportWriter(),
        ReportFormat.Json => new JsonReportWriter(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
