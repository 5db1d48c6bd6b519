using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Legacy;
using AftSweep.Infra.Database.Sqlite;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// Reads every "*.json" trial record under a folder (recursively; dot-files, e.g. half-written temp files, are
/// skipped) in the format of <see cref="TrialRecordJson"/>, the records of any state database under it (aftsweep.db,
/// or that file given directly), and those of any record journal an earlier AftSweep left (the "*.seg" segments of
/// records/sweepId; a journal record replaces a same-trial file beside it). They must be the records of exactly one sweep.
/// </summary>
public sealed class FolderTrialRecordSource : ITrialRecordSource
{
    public async Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken) =>
        OneSweep(target, await LoadAllAsync(target, cancellationToken).ConfigureAwait(false));

    /// <summary>Every record under the folder, of however many sweeps (<see cref="SweepPick"/> picks one).</summary>
    public async Task<IReadOnlyList<TrialRecord>> LoadAllAsync(string target, CancellationToken cancellationToken)
    {
        if (File.Exists(target) && Path.GetFileName(target) == SqliteStateDatabase.FileName)
            return await DatabaseRecordStore.ReadStateFolderAsync(Path.GetDirectoryName(Path.GetFullPath(target))!, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(target))
        {
            throw new ReportInputException(
                $"'{target}' is not a folder of trial records (expected a folder of <trial>.json files written by the sweep)");
        }
        if (await StateFolderRecordsAsync(target, cancellationToken).ConfigureAwait(false) is { } kept) return kept;

        var files = Directory.EnumerateFiles(target, "*.json", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var databases = Directory.EnumerateFiles(target, SqliteStateDatabase.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        // Record journals only (not the grain journal, grains/journal), and not those of a state folder whose database
        // has them (imported when it was first opened).
        var imported = databases.Select(d => Path.GetDirectoryName(d)! + Path.DirectorySeparatorChar).ToList();
        var journals = Directory.EnumerateFiles(target, "*" + LegacySegmentFile.Extension, SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal)
            .Where(d => Path.GetFileName(d) != LegacyStateFolder.JournalFolder && !imported.Any(i => d.StartsWith(i, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0 && journals.Count == 0 && databases.Count == 0)
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
            foreach (var record in LegacyStateFolder.JournalRecords(folder)) byFolderAndTrial[(folder, record.Spec.Id)] = record;
        }
        foreach (var database in databases)
        {
            foreach (var record in await DatabaseRecordStore.ReadStateFolderAsync(Path.GetDirectoryName(database)!, cancellationToken).ConfigureAwait(false))
                byFolderAndTrial[(database + "/" + record.SweepId, record.Spec.Id)] = record;
        }
        return byFolderAndTrial.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
    }

    /// <summary>
    /// A state folder's records (its aftsweep.db; or, written by an earlier AftSweep and not opened since, its records/
    /// journals, read without importing anything); null when the folder is not a state folder.
    /// </summary>
    private static async Task<IReadOnlyList<TrialRecord>?> StateFolderRecordsAsync(string folder, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(folder, SqliteStateDatabase.FileName)))
            return await DatabaseRecordStore.ReadStateFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        var legacy = new LegacyStateFolder(folder);
        return Directory.Exists(legacy.GrainsFolder) && Directory.Exists(legacy.RecordsFolder) ? legacy.Records() : null;
    }

    private static IReadOnlyList<TrialRecord> OneSweep(string target, IReadOnlyList<TrialRecord> records)
    {
        if (records.Count == 0) throw new ReportInputException($"'{target}' holds no trial records");
        var sweeps = records.Select(r => r.SweepId).Distinct().Order(StringComparer.Ordinal).ToList();
        if (sweeps.Count > 1)
        {
            throw new ReportInputException(
                $"'{target}' holds records of {sweeps.Count} sweeps ({string.Join(", ", sweeps)}): point at one sweep's records folder");
        }

        return records;
    }
}
