using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Dispatch;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using Microsoft.Extensions.Options;

namespace AftSweep.Grains.Features;

/// <summary>
/// Single-flight extraction of one feature set. The first Ensure records the shards and queues them as work items;
/// every later Ensure (any sweep, any silo) joins the same extraction. Calling Ensure again while extracting re-queues
/// unfinished shards (idempotent), which is how shards lost with a dispatcher come back.
/// </summary>
public sealed class FeatureSetGrain(
    [PersistentState("features", StorageNames.State)] IPersistentState<FeatureSetState> state,
    IOptions<SchedulingOptions> options) : Grain, IFeatureSetGrain
{
    private const int MaxErrorsKept = 10;

    private FeatureSetState S => state.State;

    public Task<FeatureSetStatus> EnsureAsync(FeatureSetRequest request) => EnsureAsync(request, retryFailed: true);

    public Task<FeatureSetStatus> ResumeAsync(FeatureSetRequest request) => EnsureAsync(request, retryFailed: false);

    private async Task<FeatureSetStatus> EnsureAsync(FeatureSetRequest request, bool retryFailed)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Key != this.GetPrimaryKeyString())
            throw new ArgumentException($"feature set request key '{request.Key}' does not match grain '{this.GetPrimaryKeyString()}'");
        if (S.Phase == FeatureSetPhase.Ready || (S.Phase == FeatureSetPhase.Failed && !retryFailed)) return Status();
        if (request.Shards.Count == 0) throw new ArgumentException($"feature set {request.Key}: shards: at least one shard is required");
        for (var i = 0; i < request.Shards.Count; i++)
        {
            if (request.Shards[i].Index != i || request.Shards[i].FeatureSetKey != request.Key)
                throw new ArgumentException($"feature set {request.Key}: shards[{i}]: expected index {i} of set {request.Key}");
        }

        if (S.Phase == FeatureSetPhase.Missing)
        {
            state.State = new FeatureSetState { Phase = FeatureSetPhase.Extracting, Shards = request.Shards.Select(s => new ShardState { Spec = s }).ToList() };
            await state.WriteStateAsync();
        }
        else if (S.Phase == FeatureSetPhase.Failed)
        {
            // A new Ensure after a failure is a retry: failed shards get a fresh attempt budget.
            state.State = S with
            {
                Phase = FeatureSetPhase.Extracting,
                Shards = S.Shards.Select(s => s.Status == TrialStatus.Failed ? s with { Status = TrialStatus.Pending, Attempts = 0 } : s).ToList(),
            };
            await state.WriteStateAsync();
        }
        var unfinished = S.Shards.Where(s => s.Status != TrialStatus.Succeeded).Select(s => WorkItem.ForShard(s.Spec)).ToList();
        if (unfinished.Count > 0) await GrainFactory.GetGrain<IDispatcherGrain>(DispatcherGrain.Key).EnqueueAsync(null, unfinished);
        return Status();
    }

    public Task<FeatureSetStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<LeaseGrant> BeginShardLeaseAsync(int shard, string worker)
    {
        var s = Shard(shard);
        if (s.Status is TrialStatus.Succeeded or TrialStatus.Failed || S.Phase == FeatureSetPhase.Failed)
            return new LeaseGrant { Status = LeaseGrantStatus.Finished, FencingToken = s.Token, Attempt = s.Attempts };
        var leased = s with { Status = TrialStatus.Leased, Attempts = s.Attempts + 1, Token = s.Token + 1 };
        await SaveShardAsync(shard, leased, S.Phase);
        return new LeaseGrant { Status = LeaseGrantStatus.Granted, FencingToken = leased.Token, Attempt = leased.Attempts };
    }

    public Task<bool> IsCurrentShardLeaseAsync(int shard, long fencingToken)
    {
        var s = Shard(shard);
        return Task.FromResult(s.Token == fencingToken && s.Status == TrialStatus.Leased);
    }

    public async Task<OwnerCommitResult> CompleteShardAsync(int shard, long fencingToken, string worker, WorkOutcome outcome)
    {
        var s = Shard(shard);
        if (s.Token != fencingToken) return OwnerCommitResult.Stale;
        if (s.Status == TrialStatus.Succeeded && outcome.Succeeded) return new OwnerCommitResult { Reply = CommitReply.AlreadyAccepted };
        if (s.Status != TrialStatus.Leased) return OwnerCommitResult.Stale;
        if (outcome.Succeeded && outcome.Shard is not null)
        {
            var done = s with { Status = TrialStatus.Succeeded, Result = outcome.Shard };
            var allDone = S.Shards.Select((x, i) => i == shard ? done : x).All(x => x.Status == TrialStatus.Succeeded);
            await SaveShardAsync(shard, done, allDone ? FeatureSetPhase.Ready : S.Phase);
            return new OwnerCommitResult { Reply = CommitReply.Accepted };
        }
        return await FailAttemptAsync(shard, s, $"attempt {s.Attempts} on {worker}: {outcome.Error ?? (outcome.Cancelled ? "cancelled" : "no result")}", outcome.Retryable && !outcome.Cancelled);
    }

    public async Task<OwnerCommitResult> ExpireShardLeaseAsync(int shard, long fencingToken, string reason)
    {
        var s = Shard(shard);
        if (s.Token != fencingToken || s.Status != TrialStatus.Leased) return OwnerCommitResult.Stale;
        return await FailAttemptAsync(shard, s, $"attempt {s.Attempts}: lease expired: {reason}", retryable: true);
    }

    private async Task<OwnerCommitResult> FailAttemptAsync(int shard, ShardState s, string error, bool retryable)
    {
        // Only the latest errors are kept: every retry of a set that keeps failing would otherwise grow its state.
        var errors = s.Errors.Append(error).TakeLast(MaxErrorsKept).ToList();
        if (retryable && s.Attempts < options.Value.MaxAttempts)
        {
            await SaveShardAsync(shard, s with { Status = TrialStatus.Pending, Errors = errors }, S.Phase);
            return new OwnerCommitResult { Reply = CommitReply.Requeued, Requeue = WorkItem.ForShard(s.Spec) };
        }
        await SaveShardAsync(shard, s with { Status = TrialStatus.Failed, Errors = errors }, FeatureSetPhase.Failed);
        return new OwnerCommitResult { Reply = CommitReply.Failed };
    }

    private async Task SaveShardAsync(int index, ShardState shard, FeatureSetPhase phase)
    {
        state.State = S with { Phase = phase, Shards = S.Shards.Select((x, i) => i == index ? shard : x).ToList() };
        await state.WriteStateAsync();
    }

    private ShardState Shard(int index) =>
        index >= 0 && index < S.Shards.Count
            ? S.Shards[index]
            : throw new ArgumentOutOfRangeException(nameof(index), $"feature set {this.GetPrimaryKeyString()} has {S.Shards.Count} shards, not shard {index}");

    private FeatureSetStatus Status() => new()
    {
        Key = this.GetPrimaryKeyString(),
        Phase = S.Phase,
        ShardsDone = S.Shards.Count(s => s.Status == TrialStatus.Succeeded),
        ShardsTotal = S.Shards.Count,
        Shards = S.Shards.Select(s => s.Result).ToList(),
        Errors = S.Shards.SelectMany(s => s.Errors).ToList(),
    };
}
