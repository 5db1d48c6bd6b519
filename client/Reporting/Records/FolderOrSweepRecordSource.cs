using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// What `results` and `plot` read: an existing folder (or anything written as a path) is a records folder; anything
/// else is a sweep id read from the cluster the verb names.
/// </summary>
public sealed class FolderOrSweepRecordSource : ITrialRecordSource
{
    private readonly FolderTrialRecordSource _folder = new();

    public Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken) =>
        LoadAsync(target, null, null, cancellationToken);

    public Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, string? cluster, string? clusterId, CancellationToken cancellationToken) =>
        IsFolder(target)
            ? _folder.LoadAsync(target, cancellationToken)
            : new ClusterTrialRecordSource(cluster, clusterId).LoadAsync(target, cancellationToken);

    /// <summary>A missing path with a separator or a leading dot is a mistyped folder: its error beats a cluster lookup.</summary>
    public static bool IsFolder(string target) =>
        Directory.Exists(target) || target.IndexOfAny(['/', '\\']) >= 0 || target.StartsWith('.') || string.IsNullOrWhiteSpace(target);
}
