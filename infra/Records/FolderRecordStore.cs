using System.Runtime.CompilerServices;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Journal;

namespace AftSweep.Infra.Records;

/// <summary>
/// Records in a local folder: each sweep's records are appended to its segment journal (root/sweepId/*.seg, see
/// <see cref="SegmentJournal"/>), group-committed, so concurrent commits share one write (and one fsync with
/// <c>flushToDisk</c>); a record is durable when <see cref="WriteAsync"/> completes. A deletion is a tombstone frame.
/// Record files of earlier versions (root/sweepId/trialId.json) are still read; the journal supersedes them.
/// </summary>
public sealed class FolderRecordStore(string root, bool flushToDisk = false) : IRecordStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public Task WriteAsync(TrialRecord record, CancellationToken cancellationToken = default)
    {
        var bytes = RecordJson.Serialize(record);
        return JournalOf(record.SweepId).AppendAsync(JournalOp.Put, RecordJson.CheckId(record.Spec.Id, "trial id"), 0, bytes);
    }

    public async Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var journal = JournalOf(sweepId);
        if (journal.Get(RecordJson.CheckId(trialId, "trial id")) is { } latest)
            return latest.Deleted ? null : RecordJson.Deserialize(latest.Payload, SourceOf(journal, trialId));
        var path = LegacyPath(sweepId, trialId);
        try
        {
            return RecordJson.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var existed = await ReadAsync(sweepId, trialId, cancellationToken).ConfigureAwait(false) is not null;
        if (!existed) return false;
        await JournalOf(sweepId).AppendAsync(JournalOp.Delete, trialId, 0, []).ConfigureAwait(false);
        var legacy = LegacyPath(sweepId, trialId);
        if (File.Exists(legacy)) File.Delete(legacy);
        return true;
    }

    public async IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var dir = Path.Combine(Root, RecordJson.CheckId(sweepId, "sweep id"));
        if (!Directory.Exists(dir)) yield break;
        var journal = JournalOf(sweepId);
        var records = new SortedDictionary<string, TrialRecord>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(dir, "*.json"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trialId = Path.GetFileNameWithoutExtension(path);
            if (journal.Peek(trialId) is not null) continue; // superseded (or deleted) by the journal
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted by a retry while listing
            }
            records[trialId] = RecordJson.Deserialize(bytes, path);
        }
        foreach (var (trialId, payload) in journal.ReadAll()) records[trialId] = RecordJson.Deserialize(payload, SourceOf(journal, trialId));
        foreach (var record in records.Values) yield return record;
    }

    /// <summary>Every record in a sweep folder's journal, read once without this process's shared writer (for readers such as `results`).</summary>
    public static IReadOnlyList<TrialRecord> ReadJournalFolder(string sweepFolder)
    {
        using var journal = new SegmentJournal(sweepFolder, flushToDisk: false);
        return journal.ReadAll().Select(e => RecordJson.Deserialize(e.Payload, SourceOf(journal, e.Key))).ToList();
    }

    public string Describe() => $"folder {Root}";

    private SegmentJournal JournalOf(string sweepId) =>
        SegmentJournal.Shared(Path.Combine(Root, RecordJson.CheckId(sweepId, "sweep id")), flushToDisk);

    private static string SourceOf(SegmentJournal journal, string trialId) => $"{journal.Directory}/{trialId}.json (journal)";

    private string LegacyPath(string sweepId, string trialId) =>
        Path.Combine(Root, RecordJson.CheckId(sweepId, "sweep id"), RecordJson.CheckId(trialId, "trial id") + ".json");
}
