using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Reporting;

/// <summary>Plots show one dataset: the only one in the records, or the one named with --dataset.</summary>
public static class DatasetPicker
{
    public static DatasetSummary Pick(SweepSummary summary, string? name)
    {
        if (summary.Datasets.Count == 0)
        {
            throw new ReportInputException("no trial records: nothing to plot");
        }

        if (name is null)
        {
            return summary.Datasets.Count == 1
                ? summary.Datasets[0]
                : throw new ReportInputException($"the records hold {summary.Datasets.Count} datasets ({Names(summary)}): choose one with --dataset");
        }

        var matches = summary.Datasets.Where(d => d.Dataset == name || d.Title == name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ReportInputException($"--dataset: no dataset '{name}' in the records (they hold {Names(summary)})"),
            _ => throw new ReportInputException($"--dataset: '{name}' was run with several downstream models; name one of {string.Join(", ", matches.Select(m => $"'{m.Title}'"))}"),
        };
    }

    private static string Names(SweepSummary summary) => string.Join(", ", summary.Datasets.Select(d => $"'{d.Title}'"));
}
