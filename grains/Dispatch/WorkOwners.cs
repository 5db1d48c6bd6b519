using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Interfaces;

namespace AftSweep.Grains.Dispatch;

/// <summary>Routes lease operations to the grain that owns a work item: the trial grain, or the feature set of a shard.</summary>
public sealed class WorkOwners(IGrainFactory grains)
{
    public Task<LeaseGrant> BeginLeaseAsync(WorkItem item, string worker) => item.Kind switch
    {
        WorkKind.Trial => Trial(item.Key).BeginLeaseAsync(item, worker),
        _ => Shard(item.Key, (set, shard) => set.BeginShardLeaseAsync(shard, worker)),
    };

    public Task<OwnerCommitResult> CompleteAsync(WorkKind kind, string key, long token, string worker, WorkOutcome outcome, IReadOnlyList<string> sweepIds) => kind switch
    {
        WorkKind.Trial => Trial(key).CompleteAsync(token, worker, outcome, sweepIds),
        _ => Shard(key, (set, shard) => set.CompleteShardAsync(shard, token, worker, outcome)),
    };

    public Task<OwnerCommitResult> ExpireAsync(WorkKind kind, string key, long token, string reason) => kind switch
    {
        WorkKind.Trial => Trial(key).ExpireLeaseAsync(token, reason),
        _ => Shard(key, (set, shard) => set.ExpireShardLeaseAsync(shard, token, reason)),
    };

    public Task<bool> IsCurrentAsync(WorkKind kind, string key, long token) => kind switch
    {
        WorkKind.Trial => Trial(key).IsCurrentLeaseAsync(token),
        _ => Shard(key, (set, shard) => set.IsCurrentShardLeaseAsync(shard, token)),
    };

    public Task MarkRunningAsync(WorkKind kind, string key, long token) =>
        kind == WorkKind.Trial ? Trial(key).MarkRunningAsync(token) : Task.CompletedTask;

    public Task CancelAsync(WorkKind kind, string key, string sweepId) =>
        kind == WorkKind.Trial ? Trial(key).CancelAsync(sweepId) : Task.CompletedTask;

    private ITrialGrain Trial(string key) => grains.GetGrain<ITrialGrain>(key);

    private Task<T> Shard<T>(string key, Func<IFeatureSetGrain, int, Task<T>> call)
    {
        var (setKey, shard) = FeatureShardSpec.ParseWorkKey(key);
        return call(grains.GetGrain<IFeatureSetGrain>(setKey), shard);
    }
}
