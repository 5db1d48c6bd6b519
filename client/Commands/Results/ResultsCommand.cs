using System.ComponentModel;
using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Comparison;
using AftSweep.Client.Reporting.Formats;
using AftSweep.Client.Reporting.Records;
using AftSweep.Contracts.Protocol;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Results;

/// <summary>`aftsweep results SOURCE [SOURCE...]`: the paper's tables from a sweep's trial records, or several sweeps compared.</summary>
public sealed class ResultsCommand(ITrialRecordSource source) : AsyncCommand<ResultsCommand.Settings>
{
    public sealed class Settings : RecordSourceSettings
    {
        [CommandArgument(0, "<SOURCES>")]
        [Description(TargetHelp + " Several: compare the sweeps (same dataset: one table, a column group per sweep; else a section per dataset).")]
        public string[] Targets { get; init; } = [];

        [CommandOption("--format <FORMAT>")]
        [Description("md, csv, latex or json. Default: from --out's extension (.md .csv .tex .json), else md.")]
        public string? Format { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Write to FILE (atomically) instead of standard output.")]
        public string? Out { get; init; }

        [CommandOption("--expected-seeds <N>")]
        [Description("Final seeds each cell should have (cells with fewer are flagged). Default: the seeds seen in the records.")]
        public int? ExpectedSeeds { get; init; }
    }

    /// <summary>The constructor the command tree uses: writes where the app's <see cref="CliOutput"/> says.</summary>
    public ResultsCommand(ITrialRecordSource source, CliOutput output)
        : this(source)
    {
        Output = output.Out;
        Errors = output.Error;
    }

    public TextWriter Output { get; init; } = Console.Out;
    public TextWriter Errors { get; init; } = Console.Error;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken);

    public async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            if (settings.ExpectedSeeds is < 1)
            {
                throw new ReportInputException($"--expected-seeds: {settings.ExpectedSeeds} must be at least 1");
            }

            var format = settings.Format is { } name
                ? ReportFormats.Parse(name)
                : settings.Out is { } file ? ReportFormats.FromExtension(file) ?? ReportFormat.Markdown : ReportFormat.Markdown;
            if (settings.Targets.Length == 0) throw new ReportInputException($"SOURCES: give at least one ({FolderOrSweepRecordSource.Expected})");
            var reports = new List<(string Source, ResultsReport Report)>();
            var count = 0;
            foreach (var target in settings.Targets)
            {
                var records = await source.LoadAsync(new RecordRequest(target, settings.Cluster, settings.ClusterId, settings.Sweep), cancellationToken).ConfigureAwait(false);
                count += records.Count;
                reports.Add((target, ResultsReportBuilder.Build(SweepAggregator.Aggregate(records, settings.ExpectedSeeds))));
            }
            var text = reports.Count == 1
                ? ReportFormats.Writer(format).Write(reports[0].Report)
                : ComparisonWriter.Write(SweepComparison.Build(reports), format);
            if (settings.Out is { } path)
            {
                OutputFile.WriteText(path, text);
                await Errors.WriteLineAsync($"wrote {path} ({count} records, {reports.Count} sweep(s), {reports.Sum(r => r.Report.Datasets.Count)} dataset table(s))").ConfigureAwait(false);
            }
            else
            {
                await Output.WriteAsync(text).ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception e) when (e is ReportInputException or InvalidDataException)
        {
            await Errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
