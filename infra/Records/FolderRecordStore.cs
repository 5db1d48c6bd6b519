using System.Runtime.CompilerServices;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Orleans;

namespace AftSweep.Infra.Records;

/// <summary>Records in a local folder: root/sweepId/trialId.json, each replaced atomically.</summary>
public sealed class FolderRecordStore(string root, bool flushToDisk = false) : IRecordStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public Task WriteAsync(TrialRecord record, CancellationToken cancellationToken = default)
    {
        var path = PathOf(record.SweepId, record.Spec.Id);
        var bytes = RecordJson.Serialize(record);
        // A small write without fsync takes microseconds; with fsync it may take milliseconds, so it leaves the caller's thread.
        if (flushToDisk) return Task.Run(() => AtomicFile.Write(path, bytes, flush: true), cancellationToken);
        AtomicFile.Write(path, bytes, flush: false);
        return Task.CompletedTask;
    }

    public async Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(sweepId, trialId);
        try
        {
            return RecordJson.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(sweepId, trialId);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var dir = Path.Combine(Root, RecordJson.CheckId(sweepId, "sweep id"));
        if (!Directory.Exists(dir)) yield break;
        foreach (var path in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted by a retry while listing
            }
            yield return RecordJson.Deserialize(bytes, path);
        }
    }

    public string Describe() => $"folder {Root}";

    private string PathOf(string sweepId, string trialId) =>
        Path.Combine(Root, RecordJson.CheckId(sweepId, "sweep id"), RecordJson.CheckId(trialId, "trial id") + ".json");
}
