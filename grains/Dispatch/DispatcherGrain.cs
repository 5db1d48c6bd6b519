using System.Runtime.ExceptionServices;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using AftSweep.Infra.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AftSweep.Grains.Dispatch;

/// <summary>
/// The cluster's work queue (key 0). Reentrant so that a long-polling lease call or an owner's storage write never
/// blocks other slots: every mutation of the in-memory queue and lease table happens between awaits. The owner
/// grains hold the durable state and decide every commit by fencing token; this grain only routes and times out.
/// Sweep notifications are batched and sent off the commit path; if one is lost, the resync recovers it.
/// </summary>
[Reentrant]
public sealed partial class DispatcherGrain(
    [PersistentState("dispatcher", StorageNames.State)] IPersistentState<DispatcherState> state,
    IOptions<SchedulingOptions> options,
    TimeProvider time,
    AftSweepMetrics metrics,
    ILogger<DispatcherGrain> logger) : Grain, IDispatcherGrain
{
    public const long Key = 0;
    /// <summary>The most items one batch lease hands out.</summary>
    public const int MaxBatch = 32;

    // A silo whose slots neither lease nor heartbeat for two lease durations is gone: its cache report no longer holds work back.
    private readonly WorkQueue _queue = new(new FeatureLocality(time, options.Value.LeaseDuration * 2), options.Value.LocalityWait, time);
    private readonly Dictionary<string, LeaseEntry> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, LeaseEntry> _byId = [];
    private readonly Dictionary<string, (WorkItem Item, List<string> Merged)> _leasing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    /// <summary>Idle slots' long polls, oldest first, with the silo each belongs to (so work kept for a silo wakes one of its slots).</summary>
    private readonly LinkedList<(TaskCompletionSource Signal, string Silo)> _waiters = new();
    private readonly Dictionary<string, List<TrialRecord>> _notify = new(StringComparer.Ordinal);
    private bool _flushing;
    private Task _persisting = Task.CompletedTask;
    private DateTimeOffset _nextResync;
    private WorkOwners _owners = null!;

    private SchedulingOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _owners = new WorkOwners(GrainFactory);
        _active.UnionWith(state.State.ActiveSweeps);
        // A fresh activation knows no queue: the first tick asks every active sweep to re-queue what it still misses.
        _nextResync = time.GetUtcNow();
        this.RegisterGrainTimer(_ => OnTimerAsync(), new GrainTimerCreationOptions
        {
            DueTime = Options.ExpiryCheckInterval,
            Period = Options.ExpiryCheckInterval,
            Interleave = true,
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public async Task<Lease?> LeaseAsync(LeaseRequest request)
    {
        while (true)
        {
            var item = await WaitForItemAsync(request);
            if (item is null) return null;
            var lease = await TryLeaseAsync(item, request.Worker);
            if (lease is not null) return lease;
        }
    }

    public async Task<IReadOnlyList<Lease>> LeaseBatchAsync(LeaseRequest request)
    {
        var max = Math.Clamp(request.MaxItems, 1, MaxBatch);
        while (true)
        {
            // The first item waits like a single lease; the rest are whatever the queue holds for this slot now.
            var first = await WaitForItemAsync(request);
            if (first is null) return [];
            var items = new List<WorkItem>(max) { first };
            // Leave most of a short queue to other slots: a batch is at most an eighth of what is queued.
            var take = Math.Min(max, 1 + _queue.Count / 8);
            while (items.Count < take && _queue.Take(request) is { } next) items.Add(next);
            // Every owner is asked at once and the answers are handled in one turn: awaiting each would cost this grain a
            // turn per item, and every slot's lease, heartbeat and commit queue behind this grain's turns.
            var grants = items.Select(item => BeginLease(item, request.Worker)).ToList();
            await WhenAllSettled(grants);
            var leases = new List<Lease>(items.Count);
            Exception? error = null;
            for (var i = 0; i < items.Count; i++)
            {
                var lease = EndLease(items[i], request.Worker, grants[i]);
                if (!grants[i].IsCompletedSuccessfully) error ??= grants[i].Exception?.InnerException ?? new TaskCanceledException(grants[i]);
                // A batch's slot starts without a first heartbeat, which is where a single lease learns it is cancelled:
                // leases of cancelled sweeps are not handed out; like a lease its slot dropped on Cancel, they expire.
                if (lease is not null && !_byId[lease.LeaseId].Cancelled) leases.Add(lease);
            }
            if (leases.Count > 0) return leases;
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
    }

    public async Task<IReadOnlyList<HeartbeatReply>> HeartbeatBatchAsync(IReadOnlyList<Heartbeat> heartbeats)
    {
        var replies = new HeartbeatReply[heartbeats.Count];
        for (var i = 0; i < heartbeats.Count; i++) replies[i] = await HeartbeatAsync(heartbeats[i]);
        return replies;
    }

    public async Task<IReadOnlyList<CommitReply>> CommitBatchAsync(IReadOnlyList<Commit> commits)
    {
        // As for a lease batch: all owners at once, their answers handled in one turn of this grain.
        var entries = commits.Select(c => _byId.TryGetValue(c.LeaseId, out var e) && e.Token == c.FencingToken ? e : null).ToList();
        var results = commits.Select((c, i) => _owners.CompleteAsync(c.Kind, c.Key, c.FencingToken, c.Worker, c.Outcome, entries[i]?.Item.SweepIds ?? [])).ToList();
        await WhenAllSettled(results);
        var replies = new CommitReply[commits.Count];
        Exception? error = null;
        for (var i = 0; i < commits.Count; i++)
        {
            if (!results[i].IsCompletedSuccessfully)
            {
                // Not decided: the lease stays; the slot sends the batch again (commits are idempotent by token).
                error ??= results[i].Exception?.InnerException ?? new TaskCanceledException(results[i]);
                continue;
            }
            var (commit, entry, result) = (commits[i], entries[i], results[i].Result);
            if (entry is not null) RemoveLease(entry);
            if (result.Requeue is { } again) Enqueue(entry is null ? again : WorkQueue.Merge(again, entry.Item.SweepIds));
            Notify(result.Finished);
            if (result.Reply == CommitReply.Stale) LogStaleCommit(logger, commit.Key, commit.FencingToken, commit.Worker);
            replies[i] = result.Reply;
        }
        if (error is not null) ExceptionDispatchInfo.Throw(error);
        return replies;
    }

    /// <summary>Completes when every task has, without throwing (the caller looks at each).</summary>
    private static Task WhenAllSettled(IEnumerable<Task> tasks) =>
        Task.WhenAll(tasks).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Takes an item the slot can run, waiting up to the slot's long-poll time; null when none came.</summary>
    private async Task<WorkItem?> WaitForItemAsync(LeaseRequest request)
    {
        ExpireOverdue();
        var wait = TimeSpan.FromMilliseconds(Math.Clamp(request.WaitMilliseconds, 0, (int)Options.LongPollWait.TotalMilliseconds));
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            if (_queue.Take(request) is { } item) return item;
            var now = time.GetUtcNow();
            var remaining = deadline - now;
            if (remaining <= TimeSpan.Zero) return null;
            // Work kept for another silo's cache is this slot's once the locality wait is over: look again then.
            if (_queue.KeptUntil is { } kept && kept - now < remaining) remaining = kept - now + TimeSpan.FromMilliseconds(1);
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiters.AddLast((waiter, FeatureLocality.SiloOf(request.Worker)));
            await Task.WhenAny(waiter.Task, Task.Delay(remaining, time));
            if (node.List is not null) _waiters.Remove(node);
        }
    }

    public async Task<HeartbeatReply> HeartbeatAsync(Heartbeat heartbeat)
    {
        _queue.Locality.Seen(heartbeat.Worker);
        if (_byId.TryGetValue(heartbeat.LeaseId, out var entry))
        {
            if (entry.Token != heartbeat.FencingToken) return HeartbeatReply.Lost;
            if (entry.Cancelled) return HeartbeatReply.Cancel;
            entry.ExpiresAt = time.GetUtcNow() + Options.LeaseDuration;
            entry.Progress = heartbeat.Progress ?? entry.Progress;
            if (!entry.Running)
            {
                entry.Running = true;
                _ = _owners.MarkRunningAsync(heartbeat.Kind, heartbeat.Key, heartbeat.FencingToken);
            }
            return HeartbeatReply.Continue;
        }
        return await AdoptAsync(heartbeat);
    }

    public async Task<CommitReply> CommitAsync(Commit commit) => (await CommitBatchAsync([commit]))[0];

    public async Task<int> EnqueueAsync(string? sweepId, IReadOnlyList<WorkItem> items)
    {
        if (sweepId is not null)
        {
            if (_cancelled.Contains(sweepId)) return 0;
            if (_active.Add(sweepId)) await PersistActiveAsync();
        }
        var added = 0;
        foreach (var item in items)
        {
            if (Enqueue(item)) added++;
        }
        return added;
    }

    public async Task<int> CancelSweepAsync(string sweepId)
    {
        _cancelled.Add(sweepId);
        var affected = _queue.RemoveSweep(sweepId);
        var leased = _byId.Values.Where(e => e.Item.SweepIds.Contains(sweepId)).ToList();
        foreach (var entry in leased)
        {
            entry.Item = entry.Item with { SweepIds = entry.Item.SweepIds.Where(s => s != sweepId).ToList() };
            if (entry.Item.SweepIds.Count == 0)
            {
                entry.Cancelled = true;
                affected++;
            }
        }
        // The owner learns first, so a commit racing the next heartbeat is refused as stale.
        await Task.WhenAll(leased.Select(async e =>
        {
            try
            {
                await _owners.CancelAsync(e.Item.Kind, e.Item.Key, sweepId);
            }
            catch (Exception ex)
            {
                LogOwnerCallFailed(logger, ex, "cancel", e.Item.Key);
            }
        }));
        if (_active.Remove(sweepId)) await PersistActiveAsync();
        return affected;
    }

    public Task ResumeSweepAsync(string sweepId)
    {
        _cancelled.Remove(sweepId);
        return Task.CompletedTask;
    }

    public async Task ForgetSweepAsync(string sweepId)
    {
        if (_active.Remove(sweepId)) await PersistActiveAsync();
    }

    public Task<IReadOnlyList<ActiveWork>> GetActiveAsync(string sweepId)
    {
        var active = _queue.Items.Where(i => i.SweepIds.Contains(sweepId))
            .Select(i => new ActiveWork(i.Key, TrialStatus.Pending, null, 0, null))
            .Concat(_byId.Values.Where(e => e.Item.SweepIds.Contains(sweepId)).Select(e => e.ToActive()))
            .ToList();
        return Task.FromResult<IReadOnlyList<ActiveWork>>(active);
    }

    private async Task<Lease?> TryLeaseAsync(WorkItem item, string worker)
    {
        var grant = BeginLease(item, worker);
        await WhenAllSettled([grant]);
        var lease = EndLease(item, worker, grant);
        // The owner is unreachable (its silo may be dying): EndLease kept the item; the slot backs off.
        if (!grant.IsCompletedSuccessfully) await grant;
        return lease;
    }

    /// <summary>Asks the owner for a lease; until <see cref="EndLease"/> the item is neither queued nor leased.</summary>
    private Task<LeaseGrant> BeginLease(WorkItem item, string worker)
    {
        _leasing[item.Key] = (item, []);
        try
        {
            return _owners.BeginLeaseAsync(item, worker);
        }
        catch (Exception e)
        {
            return Task.FromException<LeaseGrant>(e);
        }
    }

    /// <summary>Records the owner's answer: a lease, null when the work turned out finished, or the item queued again when the owner call failed.</summary>
    private Lease? EndLease(WorkItem item, string worker, Task<LeaseGrant> call)
    {
        _leasing.Remove(item.Key, out var leasing);
        item = WorkQueue.Merge(item, leasing.Merged);
        if (!call.IsCompletedSuccessfully)
        {
            Enqueue(item);
            return null;
        }
        var grant = call.Result;
        if (grant.Status == LeaseGrantStatus.Finished)
        {
            Notify(grant.Finished);
            return null;
        }

        var now = time.GetUtcNow();
        var entry = new LeaseEntry(Guid.NewGuid(), item, grant.FencingToken, grant.Attempt, worker, now + Options.LeaseDuration)
        {
            Cancelled = item.SweepIds.Count > 0 && item.SweepIds.All(_cancelled.Contains),
        };
        if (_byKey.TryGetValue(item.Key, out var older)) RemoveLease(older);
        _byKey[item.Key] = entry;
        _byId[entry.LeaseId] = entry;
        return new Lease
        {
            LeaseId = entry.LeaseId,
            Item = item,
            FencingToken = grant.FencingToken,
            Attempt = grant.Attempt,
            ExpiresAt = entry.ExpiresAt,
            HeartbeatInterval = Options.HeartbeatInterval,
        };
    }

    /// <summary>A heartbeat for a lease this activation never granted: adopt it if the owner says it is current.</summary>
    private async Task<HeartbeatReply> AdoptAsync(Heartbeat heartbeat)
    {
        if (_byKey.ContainsKey(heartbeat.Key) || _leasing.ContainsKey(heartbeat.Key)) return HeartbeatReply.Lost;
        bool current;
        try
        {
            current = await _owners.IsCurrentAsync(heartbeat.Kind, heartbeat.Key, heartbeat.FencingToken);
        }
        catch (Exception e)
        {
            LogOwnerCallFailed(logger, e, "adopt", heartbeat.Key);
            return HeartbeatReply.Continue;
        }
        if (!current || _byKey.ContainsKey(heartbeat.Key) || _leasing.ContainsKey(heartbeat.Key)) return HeartbeatReply.Lost;

        var item = _queue.Remove(heartbeat.Key) ?? new WorkItem { Kind = heartbeat.Kind, Key = heartbeat.Key };
        var entry = new LeaseEntry(heartbeat.LeaseId, item, heartbeat.FencingToken, 0, heartbeat.Worker, time.GetUtcNow() + Options.LeaseDuration)
        {
            Running = true,
            Progress = heartbeat.Progress,
            Cancelled = item.SweepIds.Count > 0 && item.SweepIds.All(_cancelled.Contains),
        };
        _byKey[item.Key] = entry;
        _byId[entry.LeaseId] = entry;
        return entry.Cancelled ? HeartbeatReply.Cancel : HeartbeatReply.Continue;
    }

    private bool Enqueue(WorkItem item)
    {
        if (_byKey.TryGetValue(item.Key, out var entry))
        {
            entry.Item = entry.Item.Trial is null && entry.Item.Shard is null ? WorkQueue.Merge(item, entry.Item.SweepIds) : WorkQueue.Merge(entry.Item, item.SweepIds);
            return false;
        }
        if (_leasing.TryGetValue(item.Key, out var leasing))
        {
            leasing.Merged.AddRange(item.SweepIds);
            return false;
        }
        if (item.SweepIds.Count > 0 && item.SweepIds.All(_cancelled.Contains)) return false;
        if (!_queue.Add(item)) return false;
        WakeFor(item);
        return true;
    }

    /// <summary>Wakes the longest-waiting idle slot, one on a silo whose cache holds the item's features if there is one.</summary>
    private void WakeFor(WorkItem item)
    {
        var first = _waiters.First;
        if (first is null) return;
        if (item.FeatureKeys.Count > 0 && _queue.Locality.SilosHolding(item).ToHashSet(StringComparer.Ordinal) is { Count: > 0 } preferred)
        {
            for (var node = first; node is not null; node = node.Next)
            {
                if (!preferred.Contains(node.Value.Silo)) continue;
                first = node;
                break;
            }
        }
        _waiters.Remove(first);
        first.Value.Signal.TrySetResult();
    }

    private void RemoveLease(LeaseEntry entry)
    {
        _byId.Remove(entry.LeaseId);
        if (_byKey.TryGetValue(entry.Item.Key, out var current) && ReferenceEquals(current, entry)) _byKey.Remove(entry.Item.Key);
    }

    private void ExpireOverdue()
    {
        var now = time.GetUtcNow();
        List<LeaseEntry>? expired = null;
        foreach (var entry in _byId.Values)
        {
            if (entry.ExpiresAt <= now) (expired ??= []).Add(entry);
        }
        if (expired is null) return;
        foreach (var entry in expired)
        {
            RemoveLease(entry);
            metrics.LeaseExpired();
            _ = ExpireAsync(entry);
        }
    }

    private async Task ExpireAsync(LeaseEntry entry)
    {
        var reason = $"no heartbeat for {Options.LeaseDuration.TotalSeconds:0.###} s from {entry.Worker}";
        try
        {
            var result = await _owners.ExpireAsync(entry.Item.Kind, entry.Item.Key, entry.Token, reason);
            if (result.Requeue is { } again) Enqueue(WorkQueue.Merge(again, entry.Item.SweepIds));
            Notify(result.Finished);
        }
        catch (Exception e)
        {
            // The owner is unreachable: keep the work if we know it; otherwise the sweep's resync brings it back.
            LogOwnerCallFailed(logger, e, "expire", entry.Item.Key);
            if (entry.Item.Trial is not null || entry.Item.Shard is not null) Enqueue(entry.Item);
        }
    }

    private Task OnTimerAsync()
    {
        ExpireOverdue();
        var now = time.GetUtcNow();
        if (now < _nextResync) return Task.CompletedTask;
        _nextResync = now + Options.ResyncInterval;
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in _queue.Items) busy.UnionWith(item.SweepIds);
        foreach (var entry in _byId.Values) busy.UnionWith(entry.Item.SweepIds);
        foreach (var (item, _) in _leasing.Values) busy.UnionWith(item.SweepIds);
        foreach (var sweepId in _active.Where(s => !busy.Contains(s)).ToList()) _ = ResyncAsync(sweepId);
        return Task.CompletedTask;
    }

    private async Task ResyncAsync(string sweepId)
    {
        try
        {
            await GrainFactory.GetGrain<ISweepGrain>(sweepId).ResyncAsync();
        }
        catch (Exception e)
        {
            LogOwnerCallFailed(logger, e, "resync", sweepId);
        }
    }

    private void Notify(IReadOnlyList<TrialRecord> finished)
    {
        if (finished.Count == 0) return;
        foreach (var record in finished)
        {
            if (_cancelled.Contains(record.SweepId)) continue;
            if (!_notify.TryGetValue(record.SweepId, out var list)) _notify[record.SweepId] = list = [];
            list.Add(record);
        }
        if (_flushing || _notify.Count == 0) return;
        _flushing = true;
        _ = FlushAsync();
    }

    /// <summary>Sends finished records to their sweeps; whatever arrives meanwhile goes in the next batch.</summary>
    private async Task FlushAsync()
    {
        try
        {
            while (_notify.Count > 0)
            {
                var batch = _notify.ToList();
                _notify.Clear();
                await Task.WhenAll(batch.Select(async kv =>
                {
                    try
                    {
                        await GrainFactory.GetGrain<ISweepGrain>(kv.Key).OnTrialsFinishedAsync(kv.Value);
                    }
                    catch (Exception e)
                    {
                        LogOwnerCallFailed(logger, e, "notify", kv.Key);
                    }
                }));
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <summary>Writes the active-sweep list; writes are chained so interleaved turns never race on the ETag.</summary>
    private Task PersistActiveAsync()
    {
        _persisting = WriteAfter(_persisting);
        return _persisting;

        async Task WriteAfter(Task previous)
        {
            try
            {
                await previous;
            }
            catch
            {
                // The previous writer reported its own failure; this write carries the latest list anyway.
            }
            state.State = new DispatcherState { ActiveSweeps = _active.Order(StringComparer.Ordinal).ToList() };
            await state.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a stale commit of {Key} (token {Token}) from {Worker}")]
    private static partial void LogStaleCommit(ILogger logger, string key, long token, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatcher: {Operation} of {Key} failed")]
    private static partial void LogOwnerCallFailed(ILogger logger, Exception e, string operation, string key);
}
