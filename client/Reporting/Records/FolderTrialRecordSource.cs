using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// Reads every "*.json" trial record under a folder (recursively; dot-files, e.g. half-written temp files, are
/// skipped) in the format of <see cref="TrialRecordJson"/>. The folder must hold the records of exactly one sweep.
/// </summary>
public sealed class FolderTrialRecordSource : ITrialRecordSource
{
    public async Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(target))
        {
            throw new ReportInputException(
                $"'{target}' is not a folder of trial records (expected a folder of <trial>.json files written by the sweep)");
        }

        var files = Directory.EnumerateFiles(target, "*.json", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new ReportInputException($"'{target}' holds no *.json trial records");
        }

        var records = new List<TrialRecord>(files.Count);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            records.Add(TrialRecordJson.Deserialize(text, file));
        }

        var sweeps = records.Select(r => r.SweepId).Distinct().Order(StringComparer.Ordinal).ToList();
        if (sweeps.Count > 1)
        {
            throw new ReportInputException(
                $"'{target}' holds records of {sweeps.Count} sweeps ({string.Join(", ", sweeps)}): point at one sweep's records folder");
        }

        return records;
    }
}
