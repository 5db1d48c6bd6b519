using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// Where the results and plot verbs get a sweep's trial records from. Today: a folder of record files
/// (<see cref="FolderTrialRecordSource"/>); a cluster-backed source resolves a sweep id instead.
/// </summary>
public interface ITrialRecordSource
{
    /// <param name="target">What the user typed: a records folder, or a sweep id for sources that know sweeps.</param>
    /// <exception cref="ReportInputException">The target names nothing this source can read.</exception>
    Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken);
}
