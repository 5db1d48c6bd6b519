using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using AftSweep.Infra.Metrics;
using AftSweep.Infra.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AftSweep.Grains.Trials;

/// <summary>
/// One trial's state machine and the fencing authority for its leases. Every transition is persisted before it is
/// acknowledged. A finished trial's records (one per sweep it serves) are committed with its state in one transaction
/// on a database store (SQLite, PostgreSQL): both or neither. On Azure Blob the records go first, and a record found
/// for a lease whose state never said so is adopted on the next activation instead of re-running the trial.
/// Placed on the silo of its first caller (the dispatcher), so lease and commit calls stay local to it.
/// </summary>
[PreferLocalPlacement]
public sealed partial class TrialGrain(
    [PersistentState(StorageNames.TrialState, StorageNames.State)] IPersistentState<TrialState> state,
    IRecordStore records,
    IOptions<SchedulingOptions> options,
    TimeProvider time,
    AftSweepMetrics metrics,
    ILogger<TrialGrain> logger) : Grain, ITrialGrain
{
    private bool _running;
    // The state this activation counts in the current-trials gauge, and when its lease began (attempt duration).
    private string? _counted;
    private long _leasedAt;

    private TrialState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A persisted lease may have committed: its record says so (a store without transactions wrote the record first,
        // or a state folder of an earlier version, whose commit point was the record, was imported).
        if (S.Status == TrialStatus.Leased && S.Spec is not null) await TryAdoptRecordAsync(S.Spec, S.SweepIds);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Unfinished trials leave the gauge with their activation (a later activation counts them again);
        // finished ones stay counted, the gauge then reads as "finished since the silo started".
        if (_counted is not null && S.Spec is not null && !S.IsFinished && S.Status != TrialStatus.Cancelled)
            metrics.TrialForgotten(MethodName(S.Spec), _counted);
        return Task.CompletedTask;
    }

    public async Task<LeaseGrant> BeginLeaseAsync(WorkItem item, string worker)
    {
        var spec = S.Spec ?? item.Trial ?? throw new ArgumentException($"trial {this.GetPrimaryKeyString()}: the work item carries no spec");
        var sweeps = Union(S.SweepIds, item.SweepIds);
        if (!S.IsFinished && S.Status == TrialStatus.Leased)
        {
            // The previous lease was never resolved (its dispatcher forgot it): it may have committed a record first.
            if (await TryAdoptRecordAsync(spec, sweeps)) return Finished(item.SweepIds);
            if (await FailAttemptAsync(spec, sweeps, S.Worker ?? "?", "lease lost (its dispatcher restarted)", retryable: true) is { Reply: CommitReply.Failed })
                return Finished(item.SweepIds);
        }
        if (S.IsFinished)
        {
            await AddSweepsToFinishedAsync(sweeps);
            return Finished(item.SweepIds);
        }

        state.State = S with
        {
            Spec = spec,
            SweepIds = sweeps,
            Status = TrialStatus.Leased,
            Attempts = S.Attempts + 1,
            TotalAttempts = S.TotalAttempts + 1,
            Token = S.Token + 1,
            Worker = worker,
        };
        await state.WriteStateAsync();
        _running = false;
        _leasedAt = time.GetTimestamp();
        Transition(spec, TrialStatus.Leased);
        return new LeaseGrant { Status = LeaseGrantStatus.Granted, FencingToken = S.Token, Attempt = S.Attempts };
    }

    public Task MarkRunningAsync(long fencingToken)
    {
        if (fencingToken == S.Token && S.Status == TrialStatus.Leased && !_running)
        {
            _running = true;
            if (S.Spec is not null) Transition(S.Spec, TrialStatus.Running);
        }
        return Task.CompletedTask;
    }

    public async Task<OwnerCommitResult> CompleteAsync(long fencingToken, string worker, WorkOutcome outcome, IReadOnlyList<string> sweepIds)
    {
        if (fencingToken != S.Token) return OwnerCommitResult.Stale;
        if (S.Status == TrialStatus.Succeeded && outcome.Succeeded) return new OwnerCommitResult { Reply = CommitReply.AlreadyAccepted };
        if (S.Status != TrialStatus.Leased || S.Spec is null) return OwnerCommitResult.Stale;

        var sweeps = Union(S.SweepIds, sweepIds);
        if (outcome.Cancelled)
        {
            state.State = S with { Status = TrialStatus.Cancelled, SweepIds = sweeps, Worker = worker };
            await state.WriteStateAsync();
            Transition(S.Spec!, TrialStatus.Cancelled);
            metrics.TrialAttemptFailed(MethodName(S.Spec!), FailureReasons.Cancelled);
            return new OwnerCommitResult { Reply = CommitReply.Accepted };
        }
        if (!outcome.Succeeded || outcome.Trial is null)
            return await FailAttemptAsync(S.Spec, sweeps, worker, outcome.Error ?? "no result", outcome.Retryable);

        var finished = S with
        {
            SweepIds = sweeps,
            Status = TrialStatus.Succeeded,
            Result = outcome.Trial,
            Worker = worker,
            FinishedAt = time.GetUtcNow(),
        };
        // The commit point: the records and the succeeded state, together.
        var written = RecordsFor(finished, sweeps);
        await PersistAsync(finished, RecordChanges.Write(written));
        Transition(finished.Spec!, TrialStatus.Succeeded);
        metrics.TrialFinished(MethodName(finished.Spec!), "succeeded", AttemptSeconds());
        return new OwnerCommitResult { Reply = CommitReply.Accepted, Finished = written };
    }

    public async Task<OwnerCommitResult> ExpireLeaseAsync(long fencingToken, string reason)
    {
        if (fencingToken != S.Token || S.Status != TrialStatus.Leased || S.Spec is null) return OwnerCommitResult.Stale;
        LogLeaseExpired(logger, this.GetPrimaryKeyString(), S.Attempts, reason);
        return await FailAttemptAsync(S.Spec, S.SweepIds, S.Worker ?? "?", $"lease expired: {reason}", retryable: true);
    }

    public Task<bool> IsCurrentLeaseAsync(long fencingToken) =>
        Task.FromResult(fencingToken == S.Token && S.Status == TrialStatus.Leased);

    public async Task<bool> CancelAsync(string sweepId)
    {
        if (S.IsFinished || S.Status == TrialStatus.Cancelled) return false;
        var remaining = S.SweepIds.Where(s => s != sweepId).ToList();
        state.State = remaining.Count == 0 && S.Spec is not null
            ? S with { Status = TrialStatus.Cancelled, SweepIds = remaining }
            : S with { SweepIds = remaining };
        await state.WriteStateAsync();
        if (S.Status == TrialStatus.Cancelled) Transition(S.Spec!, TrialStatus.Cancelled);
        return S.Status == TrialStatus.Cancelled;
    }

    public async Task<WorkItem?> RetryAsync(string sweepId, TrialSpec spec)
    {
        if (spec.Id != this.GetPrimaryKeyString())
            throw new ArgumentException($"trial {this.GetPrimaryKeyString()}: retry was given the spec of trial {spec.Id}");
        if (S.Status == TrialStatus.Succeeded) return null;
        var sweeps = Union(S.SweepIds, [sweepId]);
        if (S.Status is TrialStatus.Failed or TrialStatus.Cancelled)
        {
            // The failed records go with the failed state (first, on a store without transactions): a sweep that
            // rebuilds from records meanwhile must see the trial as unfinished.
            await PersistAsync(S with { Spec = S.Spec ?? spec, SweepIds = sweeps, Status = TrialStatus.Pending, Attempts = 0, FinishedAt = null },
                RecordChanges.Delete(sweeps, spec.Id));
            Transition(S.Spec!, TrialStatus.Pending);
        }
        return WorkItem.ForTrial(S.Spec ?? spec, sweeps);
    }

    public Task<TrialSnapshot> GetAsync() => Task.FromResult(new TrialSnapshot
    {
        TrialId = this.GetPrimaryKeyString(),
        Status = S.Status == TrialStatus.Leased && _running ? TrialStatus.Running : S.Status,
        Attempts = S.Attempts,
        FencingToken = S.Token,
        Errors = S.Errors,
        SweepIds = S.SweepIds,
        Worker = S.Worker,
        Result = S.Result,
    });

    private async Task<OwnerCommitResult> FailAttemptAsync(TrialSpec spec, IReadOnlyList<string> sweeps, string worker, string error, bool retryable)
    {
        var errors = S.Errors.Append($"attempt {S.TotalAttempts} on {worker}: {error}").ToList();
        var reason = FailureReasons.Classify(error);
        metrics.TrialAttemptFailed(MethodName(spec), reason);
        if (retryable && S.Attempts < options.Value.MaxAttempts)
        {
            state.State = S with { Status = TrialStatus.Pending, Errors = errors, SweepIds = sweeps, Worker = worker };
            await state.WriteStateAsync();
            Transition(spec, TrialStatus.Pending);
            metrics.TrialRetried(reason);
            return new OwnerCommitResult { Reply = CommitReply.Requeued, Requeue = WorkItem.ForTrial(spec, sweeps) };
        }

        var failed = S with
        {
            Status = TrialStatus.Failed,
            Errors = errors,
            SweepIds = sweeps,
            Worker = worker,
            FinishedAt = time.GetUtcNow(),
        };
        var written = RecordsFor(failed, sweeps);
        await PersistAsync(failed, RecordChanges.Write(written));
        Transition(spec, TrialStatus.Failed);
        metrics.TrialFinished(MethodName(spec), "failed", AttemptSeconds());
        LogTrialFailed(logger, spec.Id, S.Attempts, error);
        return new OwnerCommitResult { Reply = CommitReply.Failed, Finished = written };
    }

    private async Task<bool> TryAdoptRecordAsync(TrialSpec spec, IReadOnlyList<string> sweeps)
    {
        foreach (var sweep in S.SweepIds)
        {
            var record = await records.ReadAsync(sweep, spec.Id);
            if (record is not { Status: TrialStatus.Succeeded, Result: not null }) continue;
            var adopted = S with
            {
                Spec = spec,
                SweepIds = sweeps,
                Status = TrialStatus.Succeeded,
                Result = record.Result,
                Worker = record.Worker,
                FinishedAt = record.FinishedAt,
            };
            var missing = new List<string>();
            foreach (var other in sweeps.Where(s => s != sweep))
            {
                if (await records.ReadAsync(other, spec.Id) is not { Status: TrialStatus.Succeeded }) missing.Add(other);
            }
            await PersistAsync(adopted, RecordChanges.Write(RecordsFor(adopted, missing)));
            return true;
        }
        return false;
    }

    private async Task AddSweepsToFinishedAsync(IReadOnlyList<string> sweeps)
    {
        var added = sweeps.Except(S.SweepIds, StringComparer.Ordinal).ToList();
        if (added.Count == 0) return;
        var updated = S with { SweepIds = sweeps };
        await PersistAsync(updated, RecordChanges.Write(RecordsFor(updated, added)));
    }

    /// <summary>
    /// Makes <paramref name="next"/> the state, persisted with the record changes (one transaction on a database store);
    /// if the write fails, the state in memory stays what it was.
    /// </summary>
    private async Task PersistAsync(TrialState next, RecordChanges changes)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            if (changes.IsEmpty) await state.WriteStateAsync();
            else await records.WriteWithStateAsync(changes, () => state.WriteStateAsync());
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }

    private static List<TrialRecord> RecordsFor(TrialState s, IReadOnlyList<string> sweeps) => sweeps.Select(sweep => RecordFor(s, sweep)).ToList();

    private LeaseGrant Finished(IReadOnlyList<string> sweeps) => new()
    {
        Status = LeaseGrantStatus.Finished,
        FencingToken = S.Token,
        Attempt = S.Attempts,
        Finished = Union(S.SweepIds, sweeps).Select(sweep => RecordFor(S, sweep)).ToList(),
    };

    private static TrialRecord RecordFor(TrialState s, string sweepId) => new()
    {
        SweepId = sweepId,
        Spec = s.Spec!,
        Status = s.Status,
        Result = s.Result,
        Errors = s.Errors,
        Attempts = s.TotalAttempts,
        Worker = s.Worker,
        FinishedAt = s.FinishedAt,
    };

    private void Transition(TrialSpec spec, TrialStatus to)
    {
        var name = StateName(to);
        if (name == _counted) return;
        metrics.TrialTransition(MethodName(spec), _counted, name);
        _counted = name;
    }

    private double AttemptSeconds() => _leasedAt == 0 ? 0 : time.GetElapsedTime(_leasedAt).TotalSeconds;

    private static string MethodName(TrialSpec spec) => MethodCatalog.Get(spec.Method).Name;

    private static string StateName(TrialStatus status) => status switch
    {
        TrialStatus.Pending => "pending",
        TrialStatus.Leased => "leased",
        TrialStatus.Running => "running",
        TrialStatus.Succeeded => "succeeded",
        TrialStatus.Failed => "failed",
        TrialStatus.Cancelled => "cancelled",
        _ => "unknown",
    };

    private static List<string> Union(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        b.All(a.Contains) ? a as List<string> ?? [.. a] : [.. a.Concat(b).Distinct(StringComparer.Ordinal)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId}: lease of attempt {Attempt} expired ({Reason})")]
    private static partial void LogLeaseExpired(ILogger logger, string trialId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trial {TrialId} failed after {Attempts} attempt(s): {Error}")]
    private static partial void LogTrialFailed(ILogger logger, string trialId, int attempts, string error);
}
