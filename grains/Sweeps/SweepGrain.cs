using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Dispatch;
using AftSweep.Grains.Features;
using AftSweep.Grains.Interfaces;
using AftSweep.Infra.Metrics;
using AftSweep.Infra.Records;
using Microsoft.Extensions.Logging;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// Coordinates one sweep: persists its plan and lambda choices, feeds the trial records to its
/// <see cref="SweepLedger"/> (which decides each cell's lambda and stage 2) and queues what the ledger plans, once the
/// feature sets are ready (<see cref="FeatureSetGate"/>); reports progress (<see cref="SweepProgress"/>). Outcomes come
/// from the trial records (read back on activation) and the dispatcher's batched notifications, so a lost
/// notification or a restart costs nothing but a re-read.
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", StorageNames.State)] IPersistentState<SweepState> state,
    [PersistentState("sweepplan", StorageNames.State)] IPersistentState<SweepPlanState> planState,
    IRecordStore records,
    TimeProvider time,
    AftSweepMetrics metrics,
    IServiceProvider services,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain
{
    private static readonly TimeSpan FeaturePoll = TimeSpan.FromMilliseconds(250);

    // Feature sets are prepared where slots can extract them (the engine registers the runner); elsewhere (benchmarks,
    // scripted tests) trials are queued at once and the executor finds its own features.
    private readonly bool _prepareFeatures = services.GetService(typeof(IFeatureExtractionRunner)) is not null;
    // The ledger and the views status and trials show, the feature gate (null where features are not prepared here)
    // and the gauges: all null until the sweep has a plan.
    private SweepBook? _book;
    private FeatureSetGate? _features;
    private SweepProgress? _progress;
    private IGrainTimer? _featureTimer;
    private SweepDispatch? _dispatch;
    private bool _choicesUnsaved;

    private string SweepId => this.GetPrimaryKeyString();
    /// <summary>The plan: its own state since v2; sweeps persisted before that kept it in <see cref="SweepState.Plan"/>.</summary>
    private SweepPlan? Plan => planState.State.Plan ?? state.State.Plan;
    private SweepLedger Ledger => _book!.Ledger;
    private SweepDispatch Dispatch => _dispatch ??= new(() => GrainFactory.GetGrain<IDispatcherGrain>(DispatcherGrain.Key), SweepId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Plan is null) return;
        if (planState.State.Plan is null)
        {
            // Moves a plan persisted by an earlier version into its own state, so later choice writes stay small.
            planState.State = new SweepPlanState { Plan = state.State.Plan };
            await planState.WriteStateAsync();
            state.State = state.State with { Plan = null };
            await state.WriteStateAsync();
        }
        Open(Plan);
        await foreach (var record in records.ReadAllAsync(SweepId, cancellationToken)) Ledger.Accept(record);
        if (state.State.Cancelled) return;
        await AdvanceAsync();
        await EnqueueUnfinishedAsync();
        ReportProgress();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!Dispatch.Forgotten) _progress?.Forget();
        return Task.CompletedTask;
    }

    public async Task<SweepSubmission> SubmitAsync(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        SweepPlanChecks.RequireSubmittable(SweepId, Plan, plan);
        if (Plan is { } existing)
        {
            if (!state.State.Cancelled) await EnqueueUnfinishedAsync();
            await RegisterAsync(); // idempotent: also lists sweeps submitted before the registry existed (or the records table)
            return new SweepSubmission(SweepId, Created: false, existing.TotalTrialCount);
        }

        Open(plan);
        // The plan (every trial spec: megabytes for a big grid) is written once, apart from the small state that
        // changes as cells choose their lambda.
        planState.State = new SweepPlanState { Plan = plan };
        await planState.WriteStateAsync();
        state.State = state.State with { Plan = null, SubmittedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await RegisterAsync();
        SweepLog.Submitted(logger, SweepId, plan.Grid.Name, plan.TotalTrialCount);
        await EnqueueUnfinishedAsync();
        ReportProgress();
        return new SweepSubmission(SweepId, Created: true, plan.TotalTrialCount);
    }

    public async Task<SweepStatus> GetStatusAsync() =>
        _book is null ? SweepBook.NotSubmitted(SweepId) : _book.Status(SweepId, Plan, state.State, await ActiveAsync());

    public async Task<IReadOnlyList<TrialSummary>> GetTrialsAsync(TrialFilter filter) =>
        _book is null ? [] : _book.Trials(filter, state.State, await ActiveAsync());

    public Task<IReadOnlyList<TrialRecord>> GetRecordsAsync() =>
        Task.FromResult(_book?.SortedRecords ?? []);

    public async Task<int> CancelAsync()
    {
        RequirePlan();
        if (state.State.Cancelled) return 0;
        state.State = state.State with { Cancelled = true };
        await state.WriteStateAsync();
        await Dispatch.CancelAsync();
        var affected = _book!.Unfinished;
        SweepLog.Cancelled(logger, SweepId, affected);
        _progress!.Forget();
        return affected;
    }

    public async Task<int> ResumeAsync()
    {
        RequirePlan();
        if (!state.State.Cancelled) return 0;
        state.State = state.State with { Cancelled = false };
        await state.WriteStateAsync();
        // The dispatcher accepts the sweep's items again before any is queued.
        await Dispatch.ResumeAsync();
        _progress!.Restart();
        await AdvanceAsync();
        await EnqueueUnfinishedAsync();
        ReportProgress();
        // Stage-2 trials whose lambda is not chosen yet count too: they will run.
        var unfinished = Math.Max(Plan!.TotalTrialCount, Ledger.Trials.Count) - Ledger.Records.Count;
        SweepLog.Resumed(logger, SweepId, unfinished);
        return unfinished;
    }

    public async Task<int> RetryAsync(string? trialId)
    {
        RequirePlan();
        if (state.State.Cancelled) throw new InvalidOperationException($"sweep {SweepId} is cancelled: resume it first (`aftsweep retry {SweepId} --cancelled`)");
        var targets = _book!.RetryTargets(SweepId, trialId, state.State);
        var items = new List<WorkItem>();
        foreach (var spec in targets)
        {
            var item = await GrainFactory.GetGrain<ITrialGrain>(spec.Id).RetryAsync(SweepId, spec);
            if (item is null) continue;
            Ledger.Forget(spec.Id);
            items.Add(item);
        }
        if (items.Count > 0)
        {
            await Dispatch.EnqueueAsync(items);
            // A retried selection trial reopens its cell's stage 1: the choice made without it is revoked until it finishes.
            await AdvanceAsync();
        }
        return items.Count;
    }

    public async Task OnTrialsFinishedAsync(IReadOnlyList<TrialRecord> finished)
    {
        if (Plan is null) return;
        var changed = false;
        foreach (var record in finished) changed |= Ledger.Accept(record) is not null;
        if (!changed) return;
        // Only the cells whose records changed (the ledger keeps them until decided, so a failed batch loses none).
        if (!state.State.Cancelled) await AdvanceAsync(Ledger.Undecided);
        ReportProgress();
    }

    public async Task<int> ResyncAsync()
    {
        if (Plan is null) return 0;
        if (state.State.Cancelled || Phase() == SweepPhase.Completed)
        {
            await ForgetAsync();
            return 0;
        }
        await AdvanceAsync();
        return await EnqueueUnfinishedAsync();
    }

    /// <summary>
    /// Asks the ledger to decide every cell (or those whose records changed) and queues the stage-2 trials it plans;
    /// notices when the sweep is done. The ledger re-derives each choice from the selection records every time: a
    /// persisted choice they no longer support is revoked, and the cell waits for its stage 1 again or switches.
    /// </summary>
    private async Task AdvanceAsync(IEnumerable<string>? only = null)
    {
        var queued = new List<WorkItem>();
        foreach (var key in (only ?? Ledger.CellKeys).ToList())
        {
            var decision = Ledger.Decide(key);
            SweepLog.Decided(logger, SweepId, decision);
            _choicesUnsaved |= decision.ChoiceChanged;
            queued.AddRange(decision.FinalsToQueue.Select(spec => WorkItem.ForTrial(spec, [SweepId])));
        }
        // The choice is durable before any stage-2 trial of it is queued.
        if (_choicesUnsaved)
        {
            state.State = state.State with { Choices = new Dictionary<string, LambdaChoice>(Ledger.Choices, StringComparer.Ordinal) };
            await state.WriteStateAsync();
            _choicesUnsaved = false;
        }
        queued.RemoveAll(item => !FeaturesReady(item.Trial!));
        if (queued.Count > 0) await Dispatch.EnqueueAsync(queued);
        else if (Phase() == SweepPhase.Completed) await ForgetAsync();
    }

    /// <summary>Lists the sweep in the registry and in the record store (whose sweeps table names the records' grid); idempotent.</summary>
    private async Task RegisterAsync()
    {
        var plan = Plan!;
        var submitted = state.State.SubmittedAt ?? time.GetUtcNow();
        await records.RegisterSweepAsync(new SweepEntry(SweepId, plan.Grid.Name, plan.Grid.Dataset.Name, plan.TotalTrialCount, submitted));
        await GrainFactory.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.Key).RegisterAsync(new SweepRegistration(SweepId, plan.Grid.Name, submitted));
    }

    private async Task<int> EnqueueUnfinishedAsync()
    {
        await EnsureFeaturesAsync();
        var unfinished = Ledger.Trials.Values.Where(s => !Ledger.Records.ContainsKey(s.Id)).ToList();
        if (unfinished.Count == 0)
        {
            if (Phase() == SweepPhase.Completed) await ForgetAsync();
            return 0;
        }
        var items = unfinished.Where(FeaturesReady).Select(s => WorkItem.ForTrial(s, [SweepId])).ToList();
        return items.Count == 0 ? 0 : await Dispatch.EnqueueAsync(items);
    }

    /// <summary>Asks for the plan's feature sets; until every one is settled a timer polls them and queues the trials whose sets are.</summary>
    private async Task EnsureFeaturesAsync()
    {
        if (_features is null || state.State.Cancelled) return;
        var (waiting, failed) = await _features.EnsureAsync();
        foreach (var (request, status) in failed) SweepLog.FeaturesFailed(logger, SweepId, request, status);
        if (waiting && _featureTimer is null)
            _featureTimer = this.RegisterGrainTimer(PollFeaturesAsync, new GrainTimerCreationOptions { DueTime = FeaturePoll, Period = FeaturePoll, KeepAlive = true });
    }

    private async Task PollFeaturesAsync(CancellationToken cancellationToken)
    {
        var changed = await _features!.PollAsync();
        if (_features.AllSettled || state.State.Cancelled)
        {
            _featureTimer?.Dispose();
            _featureTimer = null;
        }
        if (changed && !state.State.Cancelled) await EnqueueUnfinishedAsync();
    }

    private bool FeaturesReady(TrialSpec spec) => _features?.IsReady(spec) ?? true;

    private async Task ForgetAsync()
    {
        if (!await Dispatch.ForgetAsync()) return;
        SweepLog.Finished(logger, SweepId, _book!.Count(TrialStatus.Succeeded), _book.Count(TrialStatus.Failed));
        // A finished sweep's last science too: progress reports stop once the sweep is forgotten.
        if (state.State.Cancelled) _progress!.Forget();
        else _progress!.Finished();
    }

    private void ReportProgress()
    {
        if (_progress is not null && !state.State.Cancelled && !Dispatch.Forgotten) _progress.Report();
    }

    /// <summary>The ledger of a plan (with the persisted choices) and its collaborators; records are accepted next.</summary>
    private void Open(SweepPlan plan)
    {
        _book = new SweepBook(new SweepLedger(plan, state.State.Choices));
        _progress = new SweepProgress(plan, Ledger, metrics, time);
        if (_prepareFeatures)
        {
            _features = new FeatureSetGate(SweepFeaturePlan.For(plan),
                r => GrainFactory.GetGrain<IFeatureSetGrain>(r.Key).EnsureAsync(r),
                r => GrainFactory.GetGrain<IFeatureSetGrain>(r.Key).ResumeAsync(r));
        }
    }

    private SweepPhase Phase() => SweepBook.Phase(Plan, state.State, _book?.Ledger);

    private async Task<IReadOnlyDictionary<string, ActiveWork>> ActiveAsync()
    {
        if (_book is null || state.State.Cancelled || _book.Unfinished == 0) return new Dictionary<string, ActiveWork>();
        return await Dispatch.ActiveAsync();
    }

    private void RequirePlan()
    {
        if (Plan is null) throw new InvalidOperationException($"no sweep {SweepId} has been submitted");
    }
}
