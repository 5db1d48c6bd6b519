using System.Diagnostics;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Dispatch;
using AftSweep.Grains.Features;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using AftSweep.Infra.Metrics;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.Logging;

namespace AftSweep.Workers.Slots;

/// <summary>
/// One slot on one device: lease, run the work on the thread pool (never on the grain scheduler), heartbeat with
/// progress, commit with the lease's fencing token. Cancelled or lost leases stop at the next heartbeat.
/// </summary>
public sealed partial class WorkerSlot(
    string worker,
    string device,
    IGrainFactory grains,
    ITrialExecutor executor,
    IFeatureExtractionRunner? extraction,
    IFeatureCacheProbe cache,
    IReadOnlyList<IWorkerSlotObserver> observers,
    SchedulingOptions options,
    ILogger logger,
    AftSweepMetrics? metrics = null)
{
    /// <summary>
    /// Most leases a slot holds at once; batches only grow while items finish within <see cref="FastItem"/>. Four, not
    /// more: a batch's commit waits for the slowest of its owners, and every leased item is work queued in front of every
    /// commit, so on a busy machine lease-to-commit grows with the batch while trials/s barely does (see
    /// experiments/benchmarks-notes.md: 8 doubled the 2-silo p50 for a few percent less CPU per trial).
    /// </summary>
    public const int MaxWindow = 4;
    private static readonly TimeSpan FastItem = TimeSpan.FromMilliseconds(20);

    private int _window = 1;

    private readonly IDispatcherGrain _dispatcher = grains.GetGrain<IDispatcherGrain>(DispatcherGrain.Key);
    private readonly IReadOnlyList<WorkKind> _kinds = extraction is null ? [WorkKind.Trial] : [WorkKind.Trial, WorkKind.FeatureShard];
    private readonly Polly.ResiliencePipeline _leases = SlotResilience.Lease((e, delay) => LogLeaseFailed(logger, e, worker, delay.TotalMilliseconds));
    private readonly Polly.ResiliencePipeline _commits = SlotResilience.Commit((e, key, attempt) => LogCommitRetry(logger, e, worker, key, attempt));

    public string Worker => worker;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            IReadOnlyList<Lease> leases;
            try
            {
                leases = await _leases.ExecuteAsync(static async (slot, _) => await slot.LeaseAsync(), this, stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            if (leases.Count == 0)
            {
                _window = 1;
                continue;
            }
            metrics?.SlotBusy(device, true);
            var clock = Stopwatch.StartNew();
            try
            {
                if (leases.Count == 1) await RunLeaseAsync(leases[0], stopping);
                else await RunBatchAsync(leases, clock, stopping);
            }
            finally
            {
                metrics?.SlotBusy(device, false);
            }
            _window = clock.Elapsed < FastItem * leases.Count ? Math.Min(_window * 2, MaxWindow) : 1;
        }
    }

    private async Task<IReadOnlyList<Lease>> LeaseAsync()
    {
        var request = new LeaseRequest
        {
            Worker = worker,
            Device = device,
            Kinds = _kinds,
            CachedFeatureKeys = cache.CachedFeatureKeys(),
            WaitMilliseconds = (int)options.LongPollWait.TotalMilliseconds,
            MaxItems = _window,
        };
        // Real trials take seconds to hours: one at a time. Only items that finish in milliseconds (no-ops, instant
        // failures) are leased in batches, so their round trips to the dispatcher are shared.
        return _window == 1
            ? await _dispatcher.LeaseAsync(request) is { } one ? [one] : []
            : await _dispatcher.LeaseBatchAsync(request);
    }

    /// <summary>
    /// Runs a batch of leases one after another. Batches only hold items that recently finished in milliseconds, so there
    /// is no first heartbeat (leased to running) before they start: a fresh lease has most of its duration left, the
    /// dispatcher hands out no lease it already knows is cancelled, and the commit is decided by token at the owner
    /// either way. All held leases heartbeat together at each tick while an item turns out slow; outcomes are committed
    /// together at the end, or at such a tick, so no finished item waits long for its commit.
    /// </summary>
    private async Task RunBatchAsync(IReadOnlyList<Lease> leases, Stopwatch clock, CancellationToken stopping)
    {
        var held = new List<Lease>(leases);
        var beaten = TimeSpan.Zero;
        var finished = new List<Finished>();
        while (held.Count > 0 && !stopping.IsCancellationRequested)
        {
            var lease = held[0];
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var progress = new LatestProgress();
            var meter = new SlotProgressMeter(metrics, device, worker, lease.Item);
            var started = clock.Elapsed;
            var work = Task.Run(() => ExecuteAsync(lease.Item, progress, cts.Token), CancellationToken.None);
            var abandoned = false;
            while (!work.IsCompleted)
            {
                var tick = Task.Delay(lease.HeartbeatInterval, stopping);
                await Task.WhenAny(work, tick).ConfigureAwait(false);
                if (work.IsCompleted) break;
                if (stopping.IsCancellationRequested)
                {
                    cts.Cancel();
                    abandoned = true;
                    break;
                }
                await CommitBatchAsync(finished, clock, stopping);
                finished.Clear();
                var latest = progress.Latest;
                meter.Observe(latest);
                var beats = await HeartbeatBatchAsync(held, l => ReferenceEquals(l, lease) ? latest : null);
                for (var i = held.Count - 1; i >= 0; i--)
                {
                    if (beats[i] == HeartbeatReply.Continue) continue;
                    if (ReferenceEquals(held[i], lease))
                    {
                        LogStopped(logger, worker, lease.Item.Key, beats[i].ToString());
                        cts.Cancel();
                        abandoned = true;
                    }
                    held.RemoveAt(i);
                }
                if (abandoned) break;
            }
            WorkOutcome outcome;
            try
            {
                outcome = await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                abandoned = true;
                outcome = WorkOutcome.Cancellation();
            }
            if (abandoned)
            {
                if (stopping.IsCancellationRequested) break;
                held.Remove(lease);
                continue;
            }
            held.RemoveAt(0);
            meter.Finish(outcome);
            finished.Add(new Finished(lease, outcome, beaten, started, clock.Elapsed));
        }
        // Leases left unstarted by a stopping silo expire and are re-queued elsewhere, like an abandoned running one.
        await CommitBatchAsync(finished, clock, stopping);
    }

    private async Task<IReadOnlyList<HeartbeatReply>> HeartbeatBatchAsync(IReadOnlyList<Lease> leases, Func<Lease, TrialProgress?> progressOf)
    {
        try
        {
            return await _dispatcher.HeartbeatBatchAsync(leases.Select(l => new Heartbeat
            {
                LeaseId = l.LeaseId,
                Kind = l.Item.Kind,
                Key = l.Item.Key,
                FencingToken = l.FencingToken,
                Worker = worker,
                Progress = progressOf(l),
            }).ToList());
        }
        catch (Exception e)
        {
            // As for one lease: keep working; the commit decides by token.
            LogHeartbeatFailed(logger, e, worker, string.Join(",", leases.Select(l => l.Item.Key)));
            return leases.Select(_ => HeartbeatReply.Continue).ToList();
        }
    }

    /// <summary>An item of a batch that finished, with when (on the batch's clock) its phases began and ended.</summary>
    private sealed record Finished(Lease Lease, WorkOutcome Outcome, TimeSpan Beaten, TimeSpan Started, TimeSpan Ended)
    {
        public LeaseTimeline Timeline(TimeSpan sent, TimeSpan acknowledged) =>
            new(Beaten, Started - Beaten, Ended - Started, sent - Ended, acknowledged - sent);
    }

    private async Task CommitBatchAsync(IReadOnlyList<Finished> finished, Stopwatch clock, CancellationToken stopping)
    {
        if (finished.Count == 0) return;
        var commits = finished.Select(f => new Commit
        {
            LeaseId = f.Lease.LeaseId,
            Kind = f.Lease.Item.Kind,
            Key = f.Lease.Item.Key,
            FencingToken = f.Lease.FencingToken,
            Worker = worker,
            Outcome = f.Outcome,
        }).ToList();
        var sent = clock.Elapsed;
        var context = Polly.ResilienceContextPool.Shared.Get(stopping);
        context.Properties.Set(SlotResilience.CommitKey, commits[0].Key);
        IReadOnlyList<CommitReply> replies;
        try
        {
            // Commits are idempotent by token (AlreadyAccepted): a batch whose reply was lost is safe to send again.
            replies = await _commits.ExecuteAsync(static async (_, state) => await state.Dispatcher.CommitBatchAsync(state.Commits), context, (Dispatcher: _dispatcher, Commits: commits));
        }
        catch (Exception e)
        {
            // Give up: the leases expire and the work is re-queued; nothing was acknowledged, so nothing is lost.
            LogCommitFailed(logger, e, worker, commits[0].Key);
            return;
        }
        finally
        {
            Polly.ResilienceContextPool.Shared.Return(context);
        }
        var acknowledged = clock.Elapsed;
        for (var i = 0; i < finished.Count; i++)
        {
            var timeline = finished[i].Timeline(sent, acknowledged);
            foreach (var observer in observers) observer.OnCommitted(worker, finished[i].Lease.Item, replies[i], timeline);
            if (replies[i] == CommitReply.Stale) LogStale(logger, worker, finished[i].Lease.Item.Key);
        }
    }

    private async Task RunLeaseAsync(Lease lease, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        var item = lease.Item;
        // The first heartbeat moves the trial from leased to running.
        var first = await HeartbeatAsync(lease, null);
        if (first is HeartbeatReply.Cancel or HeartbeatReply.Lost) return;
        var beaten = clock.Elapsed;

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var progress = new LatestProgress();
        var meter = new SlotProgressMeter(metrics, device, worker, item);
        var work = Task.Run(() => ExecuteAsync(item, progress, cts.Token), CancellationToken.None);
        var abandoned = false;
        var timedOut = false;
        var limit = item.Kind == WorkKind.Trial && options.TrialTimeout > TimeSpan.Zero ? options.TrialTimeout : Timeout.InfiniteTimeSpan;
        while (!work.IsCompleted)
        {
            var wait = limit == Timeout.InfiniteTimeSpan ? lease.HeartbeatInterval : Min(lease.HeartbeatInterval, limit - clock.Elapsed);
            var tick = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stopping);
            await Task.WhenAny(work, tick).ConfigureAwait(false);
            if (work.IsCompleted) break;
            if (limit != Timeout.InfiniteTimeSpan && clock.Elapsed >= limit && !stopping.IsCancellationRequested)
            {
                // Past the per-trial limit: cancel it and free the slot now, even if the trial never observes cancellation.
                cts.Cancel();
                timedOut = true;
                _ = work.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                break;
            }
            if (stopping.IsCancellationRequested)
            {
                // Silo stopping: leave the lease to expire so the work is re-queued on another silo.
                cts.Cancel();
                abandoned = true;
                break;
            }
            var latest = progress.Latest;
            meter.Observe(latest);
            var reply = await HeartbeatAsync(lease, latest);
            if (reply is HeartbeatReply.Cancel or HeartbeatReply.Lost)
            {
                LogStopped(logger, worker, item.Key, reply.ToString());
                cts.Cancel();
                abandoned = true;
                break;
            }
        }

        if (timedOut)
        {
            LogTimedOut(logger, worker, item.Key, limit.TotalSeconds);
            var failure = WorkOutcome.Failure(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"timeout: still running after {limit.TotalSeconds:0.###} s ({SchedulingOptions.Section}:{nameof(SchedulingOptions.TrialTimeout)})"), retryable: false);
            meter.Finish(failure);
            await CommitBatchAsync([new Finished(lease, failure, beaten, beaten, clock.Elapsed)], clock, stopping);
            return;
        }

        WorkOutcome outcome;
        try
        {
            outcome = await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return;
        }
        if (abandoned) return;
        meter.Finish(outcome);
        await CommitBatchAsync([new Finished(lease, outcome, beaten, beaten, clock.Elapsed)], clock, stopping);
    }

    private async Task<WorkOutcome> ExecuteAsync(WorkItem item, LatestProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            return item.Kind switch
            {
                WorkKind.Trial => WorkOutcome.Success(await executor.ExecuteAsync(
                    item.Trial ?? throw new InvalidDataException($"work item {item.Key}: a trial without its spec"), progress, cancellationToken)),
                WorkKind.FeatureShard => WorkOutcome.Success(await (extraction ?? throw new InvalidOperationException("this slot runs no feature extraction")).ExtractShardAsync(
                    item.Shard ?? throw new InvalidDataException($"work item {item.Key}: a shard without its spec"), progress, cancellationToken)),
                _ => WorkOutcome.Failure($"unknown work kind {item.Kind}", retryable: false),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TrialFailedException e)
        {
            return WorkOutcome.Failure(e.Message, e.Retryable);
        }
        catch (Exception e)
        {
            return WorkOutcome.Failure($"{e.GetType().Name}: {e.Message}", retryable: true);
        }
    }

    private async Task<HeartbeatReply> HeartbeatAsync(Lease lease, TrialProgress? progress)
    {
        try
        {
            return await _dispatcher.HeartbeatAsync(new Heartbeat
            {
                LeaseId = lease.LeaseId,
                Kind = lease.Item.Kind,
                Key = lease.Item.Key,
                FencingToken = lease.FencingToken,
                Worker = worker,
                Progress = progress,
            });
        }
        catch (Exception e)
        {
            // The dispatcher may be moving to another silo: keep working; the commit decides by token.
            LogHeartbeatFailed(logger, e, worker, lease.Item.Key);
            return HeartbeatReply.Continue;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Worker}: lease call failed, retrying in {DelayMs} ms")]
    private static partial void LogLeaseFailed(ILogger logger, Exception e, string worker, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Worker}: heartbeat for {Key} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception e, string worker, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slot {Worker}: stopped {Key} ({Reply})")]
    private static partial void LogStopped(ILogger logger, string worker, string key, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Worker}: {Key} ran past the trial timeout ({Seconds} s) and was failed")]
    private static partial void LogTimedOut(ILogger logger, string worker, string key, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slot {Worker}: commit of {Key} refused as stale")]
    private static partial void LogStale(ILogger logger, string worker, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Worker}: commit of {Key} failed (try {Attempt}), retrying")]
    private static partial void LogCommitRetry(ILogger logger, Exception e, string worker, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slot {Worker}: commit of {Key} failed for good; the lease will expire")]
    private static partial void LogCommitFailed(ILogger logger, Exception e, string worker, string key);
}
