using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Formats;
using AftSweep.Client.Reporting.Plots;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Commands.Run;

/// <summary>
/// What `aftsweep run` leaves in its output folder: records/&lt;trial&gt;.json (every finished trial), results.md,
/// results.csv, results.tex, results.json, and the figures that apply (learning curves always; linear-probe correlation
/// when linear-probe ran with two or more combos; noise robustness when a combo has a noise teacher), each as PNG and SVG.
/// </summary>
public sealed class RunOutputs
{
    public const string RecordsFolder = "records";
    public const string ResultsName = "results";

    public required string Folder { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public required ResultsReport Report { get; init; }
    /// <summary>Figures that could not be drawn from these records, with why (not an error: e.g. every trial failed).</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    public static RunOutputs Write(string folder, IReadOnlyList<TrialRecord> records, int expectedSeeds)
    {
        var files = new List<string>();
        var recordsFolder = Path.Combine(folder, RecordsFolder);
        Directory.CreateDirectory(recordsFolder);
        foreach (var record in records)
        {
            var path = Path.Combine(recordsFolder, $"{record.Spec.Id}.json");
            TrialRecordJson.WriteFile(path, record);
        }
        files.Add(recordsFolder + Path.DirectorySeparatorChar);

        var summary = SweepAggregator.Aggregate(records, expectedSeeds);
        var report = ResultsReportBuilder.Build(summary);
        foreach (var (format, extension) in new[] { (ReportFormat.Markdown, ".md"), (ReportFormat.Csv, ".csv"), (ReportFormat.Latex, ".tex"), (ReportFormat.Json, ".json") })
        {
            var path = Path.Combine(folder, ResultsName + extension);
            OutputFile.WriteText(path, ReportFormats.Writer(format).Write(report));
            files.Add(path);
        }

        var skipped = new List<string>();
        foreach (var dataset in summary.Datasets)
        {
            var prefix = summary.Datasets.Count == 1 ? "" : dataset.Dataset + "-";
            foreach (var (name, figure) in Figures(records, dataset))
            {
                try
                {
                    var built = figure();
                    foreach (var extension in new[] { ".png", ".svg" })
                    {
                        var path = Path.Combine(folder, prefix + name + extension);
                        PlotFile.Save(built, path);
                        files.Add(path);
                    }
                }
                catch (ReportInputException e)
                {
                    skipped.Add($"{prefix}{name}: {e.Message}");
                }
            }
        }
        return new RunOutputs { Folder = folder, Files = files, Report = report, Skipped = skipped };
    }

    private static IEnumerable<(string Name, Func<Figure> Build)> Figures(IReadOnlyList<TrialRecord> records, DatasetSummary dataset)
    {
        yield return ("learning-curves", () => LearningCurvesPlot.Build(records, dataset.Dataset, null));
        var linearProbeCombos = dataset.Cells.Where(c => c.Method == MethodId.LinearProbe).Select(c => c.ComboKey).Distinct().Count();
        if (linearProbeCombos >= 2) yield return ("lp-correlation", () => LpCorrelationPlot.Build(dataset));
        if (dataset.Combos.Any(combo => NoiseTeacher.HasNoise(combo, out _))) yield return ("noise-robustness", () => NoiseRobustnessPlot.Build(dataset));
    }
}
