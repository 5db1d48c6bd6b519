using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// One teacher's features of one split of one dataset (key: <see cref="AftSweep.Contracts.Features.FeatureSetId.Key"/>). Extraction is single flight:
/// the first Ensure queues every missing shard as a work item; later Ensures (from any sweep, any silo) join it.
/// Shards run on worker slots like trials, with leases and fencing tokens owned here.
/// </summary>
[Alias("aftsweep.IFeatureSetGrain")]
public interface IFeatureSetGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the features exist or are being extracted; returns where that stands.</summary>
    [Alias("Ensure")]
    Task<FeatureSetStatus> EnsureAsync(FeatureSetRequest request);

    /// <summary>
    /// Like <see cref="EnsureAsync"/> for a set already extracting (re-queues shards a restarted dispatcher forgot),
    /// but never restarts a failed set: polling callers use it, so a failure between two polls is not retried.
    /// </summary>
    [Alias("Resume")]
    Task<FeatureSetStatus> ResumeAsync(FeatureSetRequest request);

    [Alias("GetStatus")]
    Task<FeatureSetStatus> GetStatusAsync();

    /// <summary>Starts a lease on one shard.</summary>
    [Alias("BeginShardLease")]
    Task<LeaseGrant> BeginShardLeaseAsync(int shard, string worker);

    [Alias("IsCurrentShardLease")]
    Task<bool> IsCurrentShardLeaseAsync(int shard, long fencingToken);

    [Alias("CompleteShard")]
    Task<OwnerCommitResult> CompleteShardAsync(int shard, long fencingToken, string worker, WorkOutcome outcome);

    [Alias("ExpireShardLease")]
    Task<OwnerCommitResult> ExpireShardLeaseAsync(int shard, long fencingToken, string reason);
}
