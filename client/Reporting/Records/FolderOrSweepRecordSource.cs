using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database.Sqlite;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// What `results` and `plot` read: an output folder (what `run` wrote: records/ and results.json; its records/ are
/// read), a state folder (aftsweep.db: its records table, read-only, so a running `run` may share it), any other folder
/// of record files (<see cref="FolderTrialRecordSource"/>), or else a sweep id read from the cluster the verb names.
/// A folder holding several sweeps needs --sweep.
/// </summary>
public sealed class FolderOrSweepRecordSource : ITrialRecordSource
{
    public const string Expected =
        "an output folder (records/ and results.json, as `aftsweep run` writes), a state folder (aftsweep.db), a folder of <trial>.json records, or a sweep id on the cluster";

    private readonly FolderTrialRecordSource _folder = new();

    public Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken) =>
        LoadAsync(new RecordRequest(target), cancellationToken);

    public Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, string? cluster, string? clusterId, CancellationToken cancellationToken) =>
        LoadAsync(new RecordRequest(target, cluster, clusterId), cancellationToken);

    public async Task<IReadOnlyList<TrialRecord>> LoadAsync(RecordRequest request, CancellationToken cancellationToken)
    {
        var target = request.Target;
        if (!IsFolder(target))
        {
            if (request.Sweep is not null) throw new ReportInputException($"--sweep: picks a sweep of a folder; '{target}' is read as a sweep id on the cluster");
            return await new ClusterTrialRecordSource(request.Cluster, request.ClusterId).LoadAsync(target, cancellationToken).ConfigureAwait(false);
        }
        if (File.Exists(target) && Path.GetFileName(target) == SqliteStateDatabase.FileName) target = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(target)) throw new ReportInputException($"'{request.Target}' does not exist (expected {Expected})");
        if (StateFolderSnapshot.IsStateFolder(target))
        {
            StateFolderSnapshot snapshot;
            try
            {
                snapshot = await StateFolderSnapshot.ReadAsync(target, [], cancellationToken).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                throw new ReportInputException($"'{target}': its {SqliteStateDatabase.FileName} cannot be read: {e.Message}");
            }
            var names = snapshot.Sweeps.ToDictionary(s => s.SweepId, s => s.GridName, StringComparer.Ordinal);
            return SweepPick.One(request.Target, snapshot.Records, request.Sweep, names);
        }
        var records = Path.Combine(target, "records");
        if (Directory.Exists(records) && File.Exists(Path.Combine(target, "results.json")))
            return SweepPick.One(request.Target, await _folder.LoadAllAsync(records, cancellationToken).ConfigureAwait(false), request.Sweep);
        if (!Directory.EnumerateFiles(target, "*.json", SearchOption.AllDirectories).Any() && !Directory.EnumerateFiles(target, "*.seg", SearchOption.AllDirectories).Any())
            throw new ReportInputException($"'{request.Target}' holds no trial records (expected {Expected})");
        try
        {
            return SweepPick.One(request.Target, await _folder.LoadAllAsync(target, cancellationToken).ConfigureAwait(false), request.Sweep);
        }
        catch (InvalidDataException e)
        {
            throw new ReportInputException($"'{request.Target}' was read as a folder of trial records: {e.Message} (expected {Expected})");
        }
    }

    /// <summary>A missing path with a separator or a leading dot is a mistyped folder: its error beats a cluster lookup.</summary>
    public static bool IsFolder(string target) =>
        Directory.Exists(target) || File.Exists(target) || target.IndexOfAny(['/', '\\']) >= 0 || target.StartsWith('.') || string.IsNullOrWhiteSpace(target);
}
