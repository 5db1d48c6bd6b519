using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// Reads every "*.json" trial record under a folder (recursively; dot-files, e.g. half-written temp files, are
/// skipped) in the format of <see cref="TrialRecordJson"/>, and the records in any record journal under it (the
/// "*.seg" segments a cluster's state folder keeps per sweep; a journal record replaces a same-trial file beside it).
/// The folder must hold the records of exactly one sweep.
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
        var journals = Directory.EnumerateFiles(target, "*" + AftSweep.Infra.Journal.SegmentJournal.Extension, SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0 && journals.Count == 0)
        {
            throw new ReportInputException($"'{target}' holds no *.json trial records");
        }

        var byFolderAndTrial = new Dictionary<(string, string), TrialRecord>();
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var record = TrialRecordJson.Deserialize(text, file);
            byFolderAndTrial[(Path.GetDirectoryName(file)!, record.Spec.Id)] = record;
        }
        foreach (var folder in journals)
        {
            foreach (var record in AftSweep.Infra.Records.FolderRecordStore.ReadJournalFolder(folder)) byFolderAndTrial[(folder, record.Spec.Id)] = record;
        }
        var records = byFolderAndTrial.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).Select(kv => kv.Value).ToList();

        var sweeps = records.Select(r => r.SweepId).Distinct().Order(StringComparer.Ordinal).ToList();
        if (sweeps.Count > 1)
        {
            throw new ReportInputException(
                $"'{target}' holds records of {sweeps.Count} sweeps ({string.Join(", ", sweeps)}): point at one sweep's records folder");
        }

        return records;
    }
}
