using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
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
/// Coordinates one sweep: stage 1 per cell, the lambda choice when a cell's stage 1 is finished, stage 2 with the
/// grid's seeds. Outcomes come from the trial records (read back on activation) and the dispatcher's batched
/// notifications, so a lost notification or a restart costs nothing but a re-read.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", StorageNames.State)] IPersistentState<SweepState> state,
    [PersistentState("sweepplan", StorageNames.State)] IPersistentState<SweepPlanState> planState,
    IRecordStore records,
    IFinalTrialFactory finalTrials,
    TimeProvider time,
    AftSweepMetrics metrics,
    IServiceProvider services,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain
{
    private const int EnqueueChunk = 1000;
    private static readonly TimeSpan FeaturePoll = TimeSpan.FromMilliseconds(250);

    // Feature sets are prepared where slots can extract them (the engine registers the runner); elsewhere (benchmarks,
    // scripted tests) trials are queued at once and the executor finds its own features.
    private readonly bool _prepareFeatures = services.GetService(typeof(IFeatureExtractionRunner)) is not null;
    private readonly Dictionary<string, FeatureSetPhase> _featureSets = new(StringComparer.Ordinal);
    private IGrainTimer? _featureTimer;
    private IReadOnlyList<FeatureSetRequest>? _featureRequests;

    // The trials and their records, and the views status and trials show (shared with readers of a state folder).
    private readonly SweepBook _book = new(finalTrials);
    private bool _forgotten;
    private bool _recheckAllCells;
    // ETA baseline: finished trials and time when this activation started watching the sweep.
    private int _baselineFinished = -1;
    private long _baselineAt;

    private string SweepId => this.GetPrimaryKeyString();
    /// <summary>The plan: its own state since v2; sweeps persisted before that kept it in <see cref="SweepState.Plan"/>.</summary>
    private SweepPlan? Plan => planState.State.Plan ?? state.State.Plan;
    private IDispatcherGrain Dispatcher => GrainFactory.GetGrain<IDispatcherGrain>(DispatcherGrain.Key);

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
        BuildTrials(Plan);
        await foreach (var record in records.ReadAllAsync(SweepId, cancellationToken))
            Accept(record);
        if (state.State.Cancelled) return;
        await AdvanceAsync();
        await EnqueueUnfinishedAsync();
        ReportProgress();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Plan is { } plan && !_forgotten) metrics.ForgetSweep(SweepId);
        return Task.CompletedTask;
    }

    public async Task<SweepSubmission> SubmitAsync(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.SweepId != SweepId)
            throw new ArgumentException($"plan.sweepId: '{plan.SweepId}' does not match the sweep it was submitted to ('{SweepId}')");
        if (Plan is { } existing)
        {
            if (!SameTrials(existing, plan))
                throw new ArgumentException($"sweep {SweepId}: a different plan is already registered under this id (grid hash collision or changed planner)");
            if (!state.State.Cancelled) await EnqueueUnfinishedAsync();
            await RegisterAsync(); // idempotent: also lists sweeps submitted before the registry existed (or the records table)
            return new SweepSubmission(SweepId, Created: false, existing.TotalTrialCount);
        }

        var duplicate = plan.Cells.SelectMany(c => c.SelectionTrials).GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"plan.cells: trial {duplicate.Key} appears {duplicate.Count()} times");
        BuildTrials(plan);
        // The plan (every trial spec: megabytes for a big grid) is written once, apart from the small state that
        // changes as cells choose their lambda.
        planState.State = new SweepPlanState { Plan = plan };
        await planState.WriteStateAsync();
        state.State = state.State with { Plan = null, SubmittedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await RegisterAsync();
        LogSubmitted(logger, SweepId, plan.Grid.Name, plan.TotalTrialCount);
        await EnqueueUnfinishedAsync();
        ReportProgress();
        return new SweepSubmission(SweepId, Created: true, plan.TotalTrialCount);
    }

    public async Task<SweepStatus> GetStatusAsync() =>
        _book.Status(SweepId, Plan, state.State, Plan is null ? new Dictionary<string, ActiveWork>() : await ActiveAsync());

    public async Task<IReadOnlyList<TrialSummary>> GetTrialsAsync(TrialFilter filter) => _book.Trials(filter, state.State, await ActiveAsync());

    public Task<IReadOnlyList<TrialRecord>> GetRecordsAsync() =>
        Task.FromResult<IReadOnlyList<TrialRecord>>(_book.Records.Values.OrderBy(r => r.Spec.Id, StringComparer.Ordinal).ToList());

    public async Task<int> CancelAsync()
    {
        RequirePlan();
        if (state.State.Cancelled) return 0;
        state.State = state.State with { Cancelled = true };
        await state.WriteStateAsync();
        await Dispatcher.CancelSweepAsync(SweepId);
        var affected = _book.Specs.Count - _book.Records.Count;
        LogCancelled(logger, SweepId, affected);
        metrics.ForgetSweep(SweepId);
        return affected;
    }

    public async Task<int> ResumeAsync()
    {
        RequirePlan();
        if (!state.State.Cancelled) return 0;
        state.State = state.State with { Cancelled = false };
        await state.WriteStateAsync();
        // The dispatcher accepts the sweep's items again before any is queued.
        await Dispatcher.ResumeSweepAsync(SweepId);
        _forgotten = false;
        _baselineFinished = -1;
        await AdvanceAsync();
        await EnqueueUnfinishedAsync();
        ReportProgress();
        // Stage-2 trials whose lambda is not chosen yet count too: they will run.
        var unfinished = Math.Max(Plan!.TotalTrialCount, _book.Specs.Count) - _book.Records.Count;
        LogResumed(logger, SweepId, unfinished);
        return unfinished;
    }

    public async Task<int> RetryAsync(string? trialId)
    {
        RequirePlan();
        if (state.State.Cancelled) throw new InvalidOperationException($"sweep {SweepId} is cancelled: resume it first (`aftsweep retry {SweepId} --cancelled`)");
        List<TrialSpec> targets;
        if (trialId is null)
        {
            targets = _book.Records.Values.Where(r => r.Status == TrialStatus.Failed).Select(r => _book.Specs[r.Spec.Id]).ToList();
        }
        else
        {
            if (!_book.Specs.TryGetValue(trialId, out var spec)) throw new ArgumentException($"trial '{trialId}' is not part of sweep {SweepId}");
            if (_book.Records.GetValueOrDefault(trialId)?.Status != TrialStatus.Failed)
                throw new ArgumentException($"trial '{trialId}' has not failed (it is {_book.StatusOf(spec, state.State, new Dictionary<string, ActiveWork>())}): only failed trials can be retried");
            targets = [spec];
        }

        var items = new List<WorkItem>();
        foreach (var spec in targets)
        {
            var item = await GrainFactory.GetGrain<ITrialGrain>(spec.Id).RetryAsync(SweepId, spec);
            if (item is null) continue;
            _book.Records.Remove(spec.Id);
            items.Add(item);
        }
        if (items.Count > 0)
        {
            _forgotten = false;
            await Dispatcher.EnqueueAsync(SweepId, items);
            // A retried selection trial reopens its cell's stage 1: the choice made without it is revoked until it finishes.
            await AdvanceAsync();
        }
        return items.Count;
    }

    public async Task OnTrialsFinishedAsync(IReadOnlyList<TrialRecord> finished)
    {
        if (Plan is null) return;
        HashSet<string>? cells = null;
        foreach (var record in finished)
        {
            if (Accept(record)) (cells ??= new(StringComparer.Ordinal)).Add(_book.CellOf[record.Spec.Id]);
        }
        if (cells is not null && !state.State.Cancelled)
        {
            try
            {
                await AdvanceAsync(_recheckAllCells ? null : cells);
                _recheckAllCells = false;
            }
            catch
            {
                // These cells' records are accepted now: the next batch must look at every cell, not only its own.
                _recheckAllCells = true;
                throw;
            }
        }
        if (cells is not null) ReportProgress();
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
    /// Decides every cell whose stage 1 is finished and queues its stage 2; notices when the sweep is done. The choice
    /// is re-derived from the selection records every time, not trusted from the state: a persisted choice that the
    /// records no longer support (a failed selection trial retried, a selection record lost and its trial re-run with
    /// another result) is revoked, and the cell waits for its stage 1 again or switches to the lambda the records pick.
    /// </summary>
    /// <param name="only">The cells whose records changed (a finished-trials batch); null re-checks every cell.</param>
    private async Task AdvanceAsync(IReadOnlySet<string>? only = null)
    {
        var plan = Plan!;
        var queued = new List<WorkItem>();
        var changed = false;
        foreach (var cell in only is null ? plan.Cells : only.Select(k => _book.Cells[k]))
        {
            if (!cell.NeedsSelection) continue;
            var persisted = state.State.Choices.GetValueOrDefault(cell.Key);
            var (complete, derived) = _book.DeriveChoice(cell);
            if (!complete)
            {
                // Stage 2 starts only once every selection trial is terminal.
                _book.SelectionFailed.Remove(cell.Key);
                if (persisted is not null)
                {
                    LogChoiceRevoked(logger, SweepId, cell.Key, persisted.Lambda, "a selection trial has no finished record any more");
                    RevokeChoice(cell);
                    changed = true;
                }
                continue;
            }
            if (derived is null)
            {
                if (persisted is not null)
                {
                    LogChoiceRevoked(logger, SweepId, cell.Key, persisted.Lambda, "no selection trial succeeded");
                    RevokeChoice(cell);
                    changed = true;
                }
                if (_book.SelectionFailed.Add(cell.Key)) LogSelectionFailed(logger, SweepId, cell.Key);
                continue;
            }
            _book.SelectionFailed.Remove(cell.Key);
            if (persisted is not null && persisted.Lambda.Equals(derived.Lambda))
            {
                if (!SameScores(persisted, derived))
                {
                    // Same lambda, other numbers (a selection trial re-run): keep the finals, record what the records say.
                    SetChoice(cell.Key, derived);
                    changed = true;
                }
                continue;
            }
            if (persisted is not null)
            {
                LogChoiceRevoked(logger, SweepId, cell.Key, persisted.Lambda, $"the selection records choose lambda {derived.Lambda}");
                RevokeChoice(cell);
            }
            SetChoice(cell.Key, derived);
            changed = true;
            LogLambdaChosen(logger, SweepId, cell.Key, derived.Lambda, derived.MeanHoldoutAccuracy);
            foreach (var spec in _book.AddFinals(cell, derived.Lambda))
            {
                if (!_book.Records.ContainsKey(spec.Id)) queued.Add(WorkItem.ForTrial(spec, [SweepId]));
            }
        }
        // The choice is durable before any stage-2 trial of it is queued.
        if (changed) await state.WriteStateAsync();
        queued.RemoveAll(item => !FeaturesReady(item.Trial!));
        if (queued.Count > 0) await EnqueueAsync(queued);
        else if (Phase() == SweepPhase.Completed) await ForgetAsync();
    }

    private static bool SameScores(LambdaChoice a, LambdaChoice b) =>
        a.Scores.Count == b.Scores.Count
        && a.Scores.Zip(b.Scores).All(p => p.First.Lambda.Equals(p.Second.Lambda) && p.First.HoldoutAccuracies.SequenceEqual(p.Second.HoldoutAccuracies));

    private void SetChoice(string cellKey, LambdaChoice? choice)
    {
        var choices = new Dictionary<string, LambdaChoice>(state.State.Choices, StringComparer.Ordinal);
        if (choice is null) choices.Remove(cellKey);
        else choices[cellKey] = choice;
        state.State = state.State with { Choices = choices };
    }

    /// <summary>
    /// Forgets a cell's choice and its stage-2 trials (their records are kept aside: the cell may choose that lambda
    /// again). Stage-2 trials of the old lambda already queued still run; their records are not counted for the cell.
    /// </summary>
    private void RevokeChoice(CellPlan cell)
    {
        SetChoice(cell.Key, null);
        _book.DropFinals(cell);
    }

    /// <summary>Lists this sweep in the cluster's registry (what `aftsweep status` without an id shows).</summary>
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
        var unfinished = _book.Specs.Values.Where(s => !_book.Records.ContainsKey(s.Id)).ToList();
        var items = unfinished.Where(FeaturesReady).Select(s => WorkItem.ForTrial(s, [SweepId])).ToList();
        if (unfinished.Count == 0)
        {
            if (Phase() == SweepPhase.Completed) await ForgetAsync();
            return 0;
        }
        return items.Count == 0 ? 0 : await EnqueueAsync(items);
    }

    /// <summary>
    /// Asks the feature-set grain of every (teacher, dataset, split) the sweep needs to make sure its features exist
    /// (single flight: the first ask queues the extraction, later ones join it). Until every set is done a timer
    /// polls them and queues the trials whose sets are. A set that failed lets its trials run (and fail with the
    /// executor's own error, kept in their records) rather than hold the sweep forever.
    /// </summary>
    private async Task EnsureFeaturesAsync()
    {
        if (!_prepareFeatures || state.State.Cancelled) return;
        var waiting = false;
        foreach (var request in FeatureRequests)
        {
            if (Settled(_featureSets.GetValueOrDefault(request.Key))) continue;
            var status = await GrainFactory.GetGrain<IFeatureSetGrain>(request.Key).EnsureAsync(request);
            _featureSets[request.Key] = status.Phase;
            if (status.Phase == FeatureSetPhase.Failed) LogFeaturesFailed(logger, SweepId, request.Shards[0].Teacher.Spec, request.Shards[0].Split, string.Join("; ", status.Errors));
            waiting |= status.Phase is FeatureSetPhase.Missing or FeatureSetPhase.Extracting;
        }
        if (waiting && _featureTimer is null)
        {
            _featureTimer = this.RegisterGrainTimer(PollFeaturesAsync, new GrainTimerCreationOptions { DueTime = FeaturePoll, Period = FeaturePoll, KeepAlive = true });
        }
    }

    private async Task PollFeaturesAsync(CancellationToken cancellationToken)
    {
        var pending = FeatureRequests.Where(r => _featureSets.GetValueOrDefault(r.Key) is FeatureSetPhase.Missing or FeatureSetPhase.Extracting).ToList();
        var changed = false;
        foreach (var request in pending)
        {
            var key = request.Key;
            // Resume, not Ensure: a set that failed stays failed for this activation (Ensure on a failed set is a
            // retry, and polling would retry a deterministic failure every poll, forever). While extracting, Resume
            // re-queues shards a restarted dispatcher forgot (idempotent for queued or leased ones).
            var status = await GrainFactory.GetGrain<IFeatureSetGrain>(key).ResumeAsync(request);
            if (status.Phase == _featureSets[key]) continue;
            _featureSets[key] = status.Phase;
            changed = true;
        }
        if (_featureSets.Values.All(Settled) || state.State.Cancelled)
        {
            _featureTimer?.Dispose();
            _featureTimer = null;
        }
        if (changed && !state.State.Cancelled) await EnqueueUnfinishedAsync();
    }

    /// <summary>The plan's feature sets, derived once per activation (the plan never changes once submitted).</summary>
    private IReadOnlyList<FeatureSetRequest> FeatureRequests => _featureRequests ??= SweepFeaturePlan.For(Plan!);

    private static bool Settled(FeatureSetPhase phase) => phase is FeatureSetPhase.Ready or FeatureSetPhase.Failed;

    // Every trial's sets are among the plan's, so once all of those are settled no per-trial key hashing is needed.
    private bool FeaturesReady(TrialSpec spec) =>
        !_prepareFeatures
        || (_featureSets.Count == FeatureRequests.Count && _featureSets.Values.All(Settled))
        || SweepFeaturePlan.KeysFor(spec).All(k => Settled(_featureSets.GetValueOrDefault(k)));

    private async Task<int> EnqueueAsync(List<WorkItem> items)
    {
        _forgotten = false;
        var added = 0;
        foreach (var chunk in items.Chunk(EnqueueChunk)) added += await Dispatcher.EnqueueAsync(SweepId, chunk);
        return added;
    }

    private async Task ForgetAsync()
    {
        if (_forgotten) return;
        _forgotten = true;
        await Dispatcher.ForgetSweepAsync(SweepId);
        LogFinished(logger, SweepId, _book.Records.Values.Count(r => r.Status == TrialStatus.Succeeded), _book.Records.Values.Count(r => r.Status == TrialStatus.Failed));
        if (state.State.Cancelled) metrics.ForgetSweep(SweepId);
        else
        {
            // The last records' science too: progress reports stop once the sweep is forgotten.
            ReportScience(Plan!);
            metrics.SweepFinished(SweepId, Plan!.Grid.Name);
        }
    }

    /// <summary>
    /// Progress = finished / planned trials; ETA = remaining x the mean time per trial finished since this activation
    /// began watching (unknown until one has finished).
    /// </summary>
    private void ReportProgress()
    {
        var plan = Plan;
        if (plan is null || state.State.Cancelled || _forgotten) return;
        var total = Math.Max(plan.TotalTrialCount, _book.Specs.Count);
        var done = _book.Records.Count;
        if (_baselineFinished < 0)
        {
            _baselineFinished = done;
            _baselineAt = time.GetTimestamp();
        }
        double? eta = null;
        var finishedSince = done - _baselineFinished;
        if (finishedSince > 0) eta = time.GetElapsedTime(_baselineAt).TotalSeconds / finishedSince * Math.Max(0, total - done);
        metrics.ReportSweep(SweepId, plan.Grid.Name, total == 0 ? 1 : (double)done / total, eta);
        ReportScience(plan);
    }

    /// <summary>
    /// The science gauges of every cell (Science dashboard): stage-1 mean holdout accuracy per lambda, the chosen
    /// lambda, the mean test accuracy over the final seeds landed so far. O(records) per report: reports come with
    /// batches of finished trials, not per trial.
    /// </summary>
    private void ReportScience(SweepPlan plan)
    {
        foreach (var cell in plan.Cells)
        {
            var holdout = cell.SelectionTrials.Select(t => _book.Records.GetValueOrDefault(t.Id))
                .Where(r => r is { Status: TrialStatus.Succeeded, Result: not null, Spec.Lambda: not null })
                .GroupBy(r => r!.Spec.Lambda!.Value)
                .ToDictionary(g => g.Key, g => g.Average(r => r!.Result!.Accuracy));
            var finals = FinalIds(cell).Select(_book.Records.GetValueOrDefault).Where(r => r is { Status: TrialStatus.Succeeded, Result: not null })
                .Select(r => r!.Result!.Accuracy).ToList();
            metrics.ReportCell(SweepId, plan.Grid.Name, cell.Method.NameOf(), cell.ComboKey, holdout,
                state.State.Choices.GetValueOrDefault(cell.Key)?.Lambda, finals.Count == 0 ? null : finals.Average(), finals.Count);
        }
    }

    private void BuildTrials(SweepPlan plan) => _book.Build(plan, state.State.Choices);

    /// <summary>Keeps a finished trial's record; true when it changed what the sweep knows.</summary>
    private bool Accept(TrialRecord record) => _book.Accept(SweepId, record);

    private SweepPhase Phase() => _book.Phase(Plan, state.State);

    private async Task<Dictionary<string, ActiveWork>> ActiveAsync()
    {
        if (state.State.Cancelled || _book.Records.Count == _book.Specs.Count) return new(StringComparer.Ordinal);
        var active = await Dispatcher.GetActiveAsync(SweepId);
        return active.GroupBy(a => a.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    private IEnumerable<string> FinalIds(CellPlan cell) => _book.FinalIds(cell);

    private static bool SameTrials(SweepPlan a, SweepPlan b) =>
        a.Cells.Count == b.Cells.Count
        && a.Cells.Zip(b.Cells).All(p => p.First.Key == p.Second.Key
            && p.First.SelectionTrials.Select(t => t.Id).SequenceEqual(p.Second.SelectionTrials.Select(t => t.Id))
            && p.First.FinalSeeds.SequenceEqual(p.Second.FinalSeeds));

    private void RequirePlan()
    {
        if (Plan is null) throw new InvalidOperationException($"no sweep {SweepId} has been submitted");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} ({Name}) submitted: {Trials} trials")]
    private static partial void LogSubmitted(ILogger logger, string sweepId, string name, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: cell {Cell} chose lambda {Lambda} (holdout accuracy {Accuracy})")]
    private static partial void LogLambdaChosen(ILogger logger, string sweepId, string cell, double lambda, double accuracy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: cell {Cell} revokes its choice of lambda {Lambda}: {Reason}")]
    private static partial void LogChoiceRevoked(ILogger logger, string sweepId, string cell, double lambda, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: cell {Cell} has no successful selection trial; stage 2 waits for a retry")]
    private static partial void LogSelectionFailed(ILogger logger, string sweepId, string cell);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep {SweepId}: features of teacher {Teacher} on split {Split} failed ({Errors}); its trials run and fail with their own errors")]
    private static partial void LogFeaturesFailed(ILogger logger, string sweepId, string teacher, string split, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} cancelled ({Trials} unfinished trials)")]
    private static partial void LogCancelled(ILogger logger, string sweepId, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} resumed ({Trials} unfinished trials queued again)")]
    private static partial void LogResumed(ILogger logger, string sweepId, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} finished: {Succeeded} succeeded, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string sweepId, int succeeded, int failed);
}
