using System.Globalization;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// The two-stage protocol of one sweep (methods.md, "Hyperparameter selection and reporting") as a ledger of trials
/// and their records: the plan's cells and their key, the trials planned (stage 2 per chosen lambda), the records
/// accepted, the choices made. <see cref="Decide"/> is the only place a cell's lambda is decided: the sweep grain,
/// the status tables (<see cref="SweepTables"/>) and the report (<see cref="SweepAggregator"/>) all ask it.
/// Pure: no I/O and no clock; the same records in any order leave it in the same state.
/// </summary>
/// <remarks>
/// Two kinds. A planned ledger (<see cref="SweepLedger(SweepPlan, IReadOnlyDictionary{string, LambdaChoice}?)"/>)
/// knows every selection trial, so it fixes a choice only once stage 1 is finished, and re-derives it from the records
/// on every decision: a choice the records no longer support (a selection trial retried, a selection record lost and
/// re-run with another result) is revoked and its stage-2 trials are set aside. A ledger of records alone
/// (<see cref="FromRecords"/>) cannot tell whether stage 1 is finished: it reports what the records it has choose.
/// </remarks>
public sealed class SweepLedger
{
    private readonly SweepPlan? _plan;
    private readonly List<Cell> _cells = [];
    private readonly Dictionary<string, Cell> _cellsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrialSpec> _trials = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cell> _cellOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrialRecord> _records = new(StringComparer.Ordinal);
    // Records of stage-2 trials not planned now (a lambda no longer chosen), by trial id.
    private readonly Dictionary<string, TrialRecord> _setAside = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LambdaChoice> _choices = new(StringComparer.Ordinal);
    // Cells whose failed stage 1 the last decision already reported.
    private readonly HashSet<string> _failureReported = new(StringComparer.Ordinal);
    // Cells whose records changed since they were last decided.
    private readonly HashSet<string> _undecided = new(StringComparer.Ordinal);

    /// <param name="plan">The sweep's plan: its cells, selection trials and final seeds.</param>
    /// <param name="choices">Choices persisted earlier (cell key -> choice); their stage-2 trials are planned again.</param>
    public SweepLedger(SweepPlan plan, IReadOnlyDictionary<string, LambdaChoice>? choices = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        foreach (var plannedCell in plan.Cells)
        {
            var cell = new Cell(plannedCell.Key, plannedCell.Method, plannedCell);
            if (!_cellsByKey.TryAdd(cell.Key, cell)) throw new ArgumentException($"plan.cells: cell {cell.Key} appears twice", nameof(plan));
            _cells.Add(cell);
            foreach (var spec in plannedCell.SelectionTrials) Plan(cell, spec);
            if (!plannedCell.NeedsSelection) PlanFinals(cell, null);
            else if (choices?.GetValueOrDefault(cell.Key) is { } choice)
            {
                _choices[cell.Key] = choice;
                PlanFinals(cell, choice.Lambda);
            }
        }
    }

    private SweepLedger() { }

    /// <summary>
    /// A ledger of records alone (no plan): a cell per (method, combo), every trial a record names is planned, records
    /// that are not finished count as trials still to run. Records of several sweeps may be mixed (one per trial id).
    /// </summary>
    public static SweepLedger FromRecords(IEnumerable<TrialRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ledger = new SweepLedger();
        foreach (var record in records)
        {
            var key = CellKey(record.Spec);
            if (!ledger._cellsByKey.TryGetValue(key, out var cell))
            {
                cell = new Cell(key, record.Spec.Method, null);
                ledger._cellsByKey[key] = cell;
                ledger._cells.Add(cell);
            }
            ledger.Plan(cell, record.Spec);
            ledger.Accept(record);
        }
        return ledger;
    }

    /// <summary>The one key of a cell: "method|combo", the combo's teacher names joined by '+' (empty without teachers).</summary>
    public static string CellKey(MethodId method, string comboKey) => $"{method.NameOf()}|{comboKey}";

    /// <summary>The key of the cell a trial belongs to.</summary>
    public static string CellKey(TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CellKey(spec.Method, spec.ComboKey);
    }

    /// <summary>A cell's stage-2 trial for a chosen lambda (null for methods without one) and seed, with its id.</summary>
    public static TrialSpec FinalTrial(CellPlan cell, double? lambda, int seed)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var info = MethodCatalog.Get(cell.Method);
        if (info.IsRegularised && lambda is null)
            throw new ArgumentException($"{info.Name} is regularised: its final trial needs the lambda chosen in stage 1", nameof(lambda));
        if (!info.IsRegularised && lambda is not null)
            throw new ArgumentException($"{info.Name} takes no lambda", nameof(lambda));
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        return TrialIds.WithId(cell.FinalTemplate with { Stage = TrialStage.Final, Lambda = lambda, Seed = seed });
    }

    /// <summary>Cell keys, in the plan's order (records alone: in the order first seen).</summary>
    public IReadOnlyList<string> CellKeys => _cells.Select(c => c.Key).ToList();

    public bool HasCell(string cellKey) => _cellsByKey.ContainsKey(cellKey);

    /// <summary>Every trial planned now: the selection trials and the stage-2 trials of the choices made, by id.</summary>
    public IReadOnlyDictionary<string, TrialSpec> Trials => _trials;

    /// <summary>The finished records of the planned trials, by trial id.</summary>
    public IReadOnlyDictionary<string, TrialRecord> Records => _records;

    /// <summary>The choices made, by cell key: what a sweep persists.</summary>
    public IReadOnlyDictionary<string, LambdaChoice> Choices => _choices;

    /// <summary>Cells whose records changed (accepted or forgotten) since they were last decided.</summary>
    public IReadOnlyCollection<string> Undecided => _undecided;

    /// <summary>The key of the cell a planned trial belongs to.</summary>
    public string CellOf(string trialId) => _cellOf[trialId].Key;

    /// <summary>The cell's stage-2 trials planned now, in the plan's seed order (records alone: in the order seen).</summary>
    public IReadOnlyList<string> FinalIds(string cellKey) => Find(cellKey).FinalIds;

    /// <summary>The cell's stage 1 is finished, none of it succeeded, and no choice stands: stage 2 waits for a retry.</summary>
    public bool IsSelectionFailed(string cellKey)
    {
        var cell = Find(cellKey);
        return cell.NeedsSelection && !_choices.ContainsKey(cellKey) && SelectionComplete(cell) && !cell.SelectionIds.Any(Succeeded);
    }

    /// <summary>Every planned trial has a record and no cell waits for its lambda: the sweep has nothing left to run.</summary>
    public bool IsFinished =>
        _records.Count == _trials.Count
        && !_cells.Any(c => c.NeedsSelection && !_choices.ContainsKey(c.Key) && !IsSelectionFailed(c.Key));

    /// <summary>
    /// Keeps a finished record of a planned trial; the key of its cell when it changed what the ledger knows, else
    /// null. Unfinished records and other sweeps' are ignored; a stage-2 record of a lambda the cell does not train
    /// with is kept aside. A failure never replaces a success (only <see cref="Forget"/>, a retry, can).
    /// </summary>
    public string? Accept(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_plan is not null && record.SweepId != _plan.SweepId) return null;
        if (record.Status is not (TrialStatus.Succeeded or TrialStatus.Failed)) return null;
        var id = record.Spec.Id;
        if (!_cellOf.TryGetValue(id, out var cell))
        {
            if (record.Spec.Stage == TrialStage.Final && _cellsByKey.ContainsKey(CellKey(record.Spec))) _setAside[id] = record;
            return null;
        }
        if (_records.TryGetValue(id, out var known))
        {
            if (known.Status == record.Status && SameResult(known, record)) return null;
            if (known.Status == TrialStatus.Succeeded && record.Status == TrialStatus.Failed) return null;
        }
        _records[id] = record;
        _undecided.Add(cell.Key);
        return cell.Key;
    }

    /// <summary>Drops a trial's record (it is retried); the key of its cell, or null when it had none.</summary>
    public string? Forget(string trialId)
    {
        if (!_records.Remove(trialId)) return null;
        var key = _cellOf[trialId].Key;
        _undecided.Add(key);
        return key;
    }

    /// <summary>
    /// Decides a cell. Planned: once every selection trial has a finished record, the lambda LambdaSelection picks
    /// over the succeeded ones (the highest mean holdout accuracy over the selection seeds, ties to the smaller lambda)
    /// becomes the choice and its stage-2 trials are planned; a choice the records no longer support is revoked first
    /// (its stage-2 trials set aside) and the cell waits for stage 1 again or switches to the lambda the records pick.
    /// Records alone: what the records choose. Deciding again without new records changes nothing.
    /// </summary>
    public CellDecision Decide(string cellKey)
    {
        var decision = Decide(Find(cellKey));
        _undecided.Remove(cellKey);
        return decision;
    }

    private CellDecision Decide(Cell cell)
    {
        var complete = SelectionComplete(cell);
        var selection = Selection(cell);
        if (_plan is null) return DecideFromRecords(cell, complete, selection);

        var previous = _choices.GetValueOrDefault(cell.Key);
        var decision = new CellDecision { CellKey = cell.Key, SelectionComplete = complete, Selection = selection, Previous = previous };
        if (!cell.NeedsSelection) return decision with { Choice = null, FinalLambda = null };
        if (!complete)
        {
            _failureReported.Remove(cell.Key);
            return previous is null ? decision : Revoke(decision, cell, previous, "a selection trial has no finished record any more");
        }
        if (selection is null)
        {
            if (previous is not null) decision = Revoke(decision, cell, previous, "no selection trial succeeded");
            return decision with { SelectionFailed = true, SelectionNewlyFailed = _failureReported.Add(cell.Key) };
        }
        _failureReported.Remove(cell.Key);
        if (previous is not null && previous.Lambda.Equals(selection.Lambda))
        {
            // Same lambda, other numbers (a selection trial re-run): keep the finals, record what the records say.
            if (SameScores(previous, selection)) return decision with { Choice = previous, FinalLambda = previous.Lambda };
            _choices[cell.Key] = selection;
            return decision with { Choice = selection, FinalLambda = selection.Lambda, ChoiceChanged = true };
        }
        if (previous is not null) decision = Revoke(decision, cell, previous, $"the selection records choose lambda {selection.Lambda.ToString("R", CultureInfo.InvariantCulture)}");
        _choices[cell.Key] = selection;
        var queue = PlanFinals(cell, selection.Lambda).Where(s => !_records.ContainsKey(s.Id)).ToList();
        return decision with { Choice = selection, FinalLambda = selection.Lambda, ChoiceChanged = true, FinalsToQueue = queue };
    }

    /// <summary>The succeeded stage-2 records that count for the cell (those of <see cref="CellDecision.FinalLambda"/>), in the order seen.</summary>
    public IReadOnlyList<TrialRecord> CountedFinals(CellDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.FinalLambdaAmbiguous) return [];
        return Find(decision.CellKey).FinalIds
            .Select(id => _records.GetValueOrDefault(id))
            .Where(r => r is { Status: TrialStatus.Succeeded, Result: not null } && Nullable.Equals(r.Spec.Lambda, decision.FinalLambda))
            .Select(r => r!)
            .ToList();
    }

    private CellDecision DecideFromRecords(Cell cell, bool complete, LambdaChoice? selection)
    {
        var lambdas = cell.FinalIds.Select(id => _trials[id].Lambda).Distinct().ToList();
        var decision = new CellDecision
        {
            CellKey = cell.Key,
            SelectionComplete = complete,
            Selection = selection,
            Choice = selection,
            FinalLambdas = lambdas,
            SelectionFailed = cell.NeedsSelection && complete && cell.SelectionIds.Count > 0 && selection is null,
        };
        if (!MethodCatalog.Get(cell.Method).IsRegularised) return decision with { Choice = null, FinalLambda = null };
        if (selection is not null) return decision with { FinalLambda = selection.Lambda };
        // No selection record says which lambda was chosen: the stage-2 records' own lambda, when they agree on one.
        return lambdas.Count > 1 ? decision with { FinalLambdaAmbiguous = true } : decision with { FinalLambda = lambdas.SingleOrDefault() };
    }

    private CellDecision Revoke(CellDecision decision, Cell cell, LambdaChoice previous, string because)
    {
        _choices.Remove(cell.Key);
        var setAside = cell.FinalIds.ToList();
        foreach (var id in setAside)
        {
            _trials.Remove(id);
            _cellOf.Remove(id);
            if (_records.Remove(id, out var record)) _setAside[id] = record;
        }
        cell.FinalIds.Clear();
        return decision with { Revoked = previous, RevokedBecause = because, ChoiceChanged = true, FinalsSetAside = setAside };
    }

    private List<TrialSpec> PlanFinals(Cell cell, double? lambda)
    {
        var specs = cell.Planned!.FinalSeeds.Select(seed => FinalTrial(cell.Planned, lambda, seed)).ToList();
        foreach (var spec in specs) Plan(cell, spec);
        return specs;
    }

    private void Plan(Cell cell, TrialSpec spec)
    {
        if (!_trials.TryAdd(spec.Id, spec)) return;
        _cellOf[spec.Id] = cell;
        // A stage-2 record kept aside counts again once its lambda is chosen again.
        if (_setAside.Remove(spec.Id, out var known)) _records[spec.Id] = known;
        if (spec.Stage == TrialStage.Final) cell.FinalIds.Add(spec.Id);
        else cell.SelectionIds.Add(spec.Id);
    }

    private bool SelectionComplete(Cell cell) => cell.SelectionIds.All(_records.ContainsKey);

    private bool Succeeded(string trialId) => _records.GetValueOrDefault(trialId) is { Status: TrialStatus.Succeeded, Result: not null };

    /// <summary>What the cell's succeeded selection records choose so far (null when none has succeeded), without
    /// deciding anything: for live views of stage 1.</summary>
    public LambdaChoice? Selection(string cellKey) => Selection(Find(cellKey));

    /// <summary>LambdaSelection over the succeeded selection records; each lambda's accuracies in seed order, so
    /// the order records arrived in never changes a mean.</summary>
    private LambdaChoice? Selection(Cell cell)
    {
        var scores = cell.SelectionIds
            .Select(id => _records.GetValueOrDefault(id))
            .Where(r => r is { Status: TrialStatus.Succeeded, Result: not null })
            .Select(r => r!)
            .GroupBy(r => r.Spec.Lambda ?? throw new InvalidDataException($"trial {r.Spec.Id}: a selection trial without a lambda"))
            .Select(g => new LambdaScore(g.Key, g.OrderBy(r => r.Spec.Seed).ThenBy(r => r.Spec.Id, StringComparer.Ordinal).Select(r => r.Result!.Accuracy).ToList()))
            .ToList();
        return scores.Count == 0 ? null : LambdaSelection.Choose(scores);
    }

    private static bool SameResult(TrialRecord a, TrialRecord b) =>
        a.Attempts == b.Attempts && Equals(a.Result?.Accuracy, b.Result?.Accuracy);

    private static bool SameScores(LambdaChoice a, LambdaChoice b) =>
        a.Scores.Count == b.Scores.Count
        && a.Scores.Zip(b.Scores).All(p => p.First.Lambda.Equals(p.Second.Lambda) && p.First.HoldoutAccuracies.SequenceEqual(p.Second.HoldoutAccuracies));

    private Cell Find(string cellKey) =>
        _cellsByKey.GetValueOrDefault(cellKey) ?? throw new ArgumentException($"no cell '{cellKey}' in this sweep", nameof(cellKey));

    /// <summary>One cell: its plan (null for a ledger of records alone) and the trials planned for it now.</summary>
    private sealed class Cell(string key, MethodId method, CellPlan? planned)
    {
        public string Key { get; } = key;
        public MethodId Method { get; } = method;
        public CellPlan? Planned { get; } = planned;
        public List<string> SelectionIds { get; } = [];
        public List<string> FinalIds { get; } = [];
        public bool NeedsSelection => Planned?.NeedsSelection ?? SelectionIds.Count > 0 || MethodCatalog.Get(Method).IsRegularised;
    }
}
