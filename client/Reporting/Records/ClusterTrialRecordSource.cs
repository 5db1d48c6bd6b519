using AftSweep.Client.Cluster;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>A sweep's records read from a running cluster through <see cref="SweepClient"/> (the target is a sweep id).</summary>
public sealed class ClusterTrialRecordSource(string? cluster = null, string? clusterId = null) : ITrialRecordSource
{
    public async Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken)
    {
        AftSweep.Infra.Orleans.ClusterConnectionOptions options;
        try
        {
            options = ClusterTarget.Resolve(cluster, clusterId);
        }
        catch (ArgumentException e)
        {
            throw new ReportInputException(e.Message);
        }
        try
        {
            // Notes about a failover go to the console's stderr: this source has no writer of its own.
            var resilience = new AftSweep.Infra.Orleans.ClusterCallResilience(note: note => Console.Error.WriteLine(note));
            await using var connection = await ClusterConnection.ConnectAsync(options, resilience: resilience, cancellationToken: cancellationToken).ConfigureAwait(false);
            var id = await connection.Sweeps.ResolveAsync(target).ConfigureAwait(false);
            var records = await connection.Sweeps.GetRecordsAsync(id).ConfigureAwait(false);
            return records.Count > 0
                ? records
                : throw new ReportInputException($"sweep {id} has no finished trials yet (see `aftsweep status {id}`)");
        }
        catch (ClusterUnreachableException e)
        {
            throw new ReportInputException($"'{target}' is not a folder, so it was read as a sweep id: {e.Message}\n{ClusterVerb.StartHint}");
        }
        catch (AftSweep.Infra.Orleans.ClusterCallFailedException e)
        {
            throw new ReportInputException($"sweep {target}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new ReportInputException(e.Message);
        }
        catch (SweepNotFoundException)
        {
            throw new ReportInputException($"'{target}' is not a sweep on the cluster at {options.DescribeTarget()}, nor a folder (expected {FolderOrSweepRecordSource.Expected})");
        }
    }
}
