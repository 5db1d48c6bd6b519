using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// Where the results and plot verbs get a sweep's trial records from. Today: a folder of record files
/// (<see cref="FolderTrialRecordSource"/>) or a sweep id on a cluster (<see cref="ClusterTrialRecordSource"/>);
/// <see cref="FolderOrSweepRecordSource"/> picks between them.
/// </summary>
public interface ITrialRecordSource
{
    /// <param name="target">What the user typed: a records folder, or a sweep id for sources that know sweeps.</param>
    /// <exception cref="ReportInputException">The target names nothing this source can read.</exception>
    Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken);

    /// <summary>As above, with the verb's --cluster and --cluster-id for sources that read sweeps from a cluster; others ignore them.</summary>
    Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, string? cluster, string? clusterId, CancellationToken cancellationToken) =>
        LoadAsync(target, cancellationToken);

    /// <summary>As above, with --sweep for sources that read folders of several sweeps; others ignore it.</summary>
    Task<IReadOnlyList<TrialRecord>> LoadAsync(RecordRequest request, CancellationToken cancellationToken) =>
        LoadAsync(request.Target, request.Cluster, request.ClusterId, cancellationToken);
}
