using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// A sweep's trials and what is known of them: the planned specs (stage 2 per chosen lambda), the finished records,
/// the cells whose stage 1 failed; and the views `status` and `trials` show (<see cref="Status"/>, <see cref="Trials"/>).
/// No I/O: the <see cref="SweepGrain"/> keeps one per activation, and a reader of a state folder builds one from the
/// persisted plan, state and records (<see cref="FromPersisted"/>), so both show a sweep the same way.
/// </summary>
public sealed class SweepBook(IFinalTrialFactory finalTrials)
{
    public Dictionary<string, TrialSpec> Specs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> CellOf { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TrialRecord> Records { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CellPlan> Cells { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> FinalsOf { get; } = new(StringComparer.Ordinal);
    public HashSet<string> SelectionFailed { get; } = new(StringComparer.Ordinal);
    // Records of stage-2 trials this sweep does not currently plan (a lambda no longer chosen), by trial id.
    public Dictionary<string, TrialRecord> Detached { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A sweep as its persisted plan, state and records describe it, without a silo: cells whose stage 1 is finished
    /// with no success are marked failed (as the grain does when it advances); persisted lambda choices are taken as they are.
    /// </summary>
    public static SweepBook FromPersisted(string sweepId, SweepPlan plan, SweepState state, IEnumerable<TrialRecord> records, IFinalTrialFactory? finalTrials = null)
    {
        var book = new SweepBook(finalTrials ?? new GridPlannerFinalTrialFactory());
        book.Build(plan, state.Choices);
        foreach (var record in records) book.Accept(sweepId, record);
        foreach (var cell in plan.Cells.Where(c => c.NeedsSelection && !state.Choices.ContainsKey(c.Key)))
        {
            if (book.DeriveChoice(cell) is (true, null)) book.SelectionFailed.Add(cell.Key);
        }
        return book;
    }

    public void Build(SweepPlan plan, IReadOnlyDictionary<string, LambdaChoice> choices)
    {
        Specs.Clear();
        CellOf.Clear();
        Cells.Clear();
        FinalsOf.Clear();
        foreach (var cell in plan.Cells)
        {
            Cells[cell.Key] = cell;
            foreach (var spec in cell.SelectionTrials) AddSpec(cell, spec);
            if (!cell.NeedsSelection) AddFinals(cell, null);
            else if (choices.TryGetValue(cell.Key, out var choice)) AddFinals(cell, choice.Lambda);
        }
    }

    public List<TrialSpec> AddFinals(CellPlan cell, double? lambda)
    {
        var specs = cell.FinalSeeds.Select(seed => finalTrials.Create(cell, lambda, seed)).ToList();
        foreach (var spec in specs) AddSpec(cell, spec);
        return specs;
    }

    private void AddSpec(CellPlan cell, TrialSpec spec)
    {
        if (!Specs.TryAdd(spec.Id, spec)) return;
        CellOf[spec.Id] = cell.Key;
        if (Detached.Remove(spec.Id, out var known)) Records[spec.Id] = known;
        if (spec.Stage == TrialStage.Final)
        {
            if (!FinalsOf.TryGetValue(cell.Key, out var finals)) FinalsOf[cell.Key] = finals = [];
            finals.Add(spec.Id);
        }
    }

    /// <summary>Forgets a cell's stage-2 trials (their records are kept aside: the cell may choose that lambda again).</summary>
    public void DropFinals(CellPlan cell)
    {
        if (!FinalsOf.Remove(cell.Key, out var finals)) return;
        foreach (var id in finals)
        {
            Specs.Remove(id);
            CellOf.Remove(id);
            if (Records.Remove(id, out var record)) Detached[id] = record;
        }
    }

    /// <summary>Keeps a finished trial's record; true when it changed what the sweep knows.</summary>
    public bool Accept(string sweepId, TrialRecord record)
    {
        if (record.SweepId != sweepId || record.Status is not (TrialStatus.Succeeded or TrialStatus.Failed)) return false;
        if (!Specs.ContainsKey(record.Spec.Id))
        {
            // A stage-2 trial of a lambda the cell does not (or no longer) train with: kept in case the choice comes back to it.
            if (record.Spec.Stage == TrialStage.Final && Cells.ContainsKey(SweepTables.CellKey(record.Spec))) Detached[record.Spec.Id] = record;
            return false;
        }
        if (Records.TryGetValue(record.Spec.Id, out var known))
        {
            if (known.Status == record.Status && SameResult(known, record)) return false;
            // A late notification of an earlier failure never replaces a success (only a retry, which drops the record, can).
            if (known.Status == TrialStatus.Succeeded && record.Status == TrialStatus.Failed) return false;
        }
        Records[record.Spec.Id] = record;
        return true;
    }

    private static bool SameResult(TrialRecord a, TrialRecord b) =>
        a.Attempts == b.Attempts && Equals(a.Result?.Accuracy, b.Result?.Accuracy);

    /// <summary>
    /// Whether every selection trial of the cell has a terminal record, and if so the choice LambdaSelection makes over
    /// the succeeded ones (null when none succeeded). Failed selection trials are terminal and simply not candidates.
    /// </summary>
    public (bool Complete, LambdaChoice? Choice) DeriveChoice(CellPlan cell)
    {
        if (!cell.SelectionTrials.All(t => Records.ContainsKey(t.Id))) return (false, null);
        var choice = LambdaSelection.ChooseFrom(cell.SelectionTrials
            .Select(t => Records[t.Id])
            .Where(r => r.Status == TrialStatus.Succeeded && r.Result is not null)
            .Select(r => (r.Spec.Lambda ?? throw new InvalidDataException($"trial {r.Spec.Id}: a selection trial without a lambda"), r.Result!.Accuracy)));
        return (true, choice);
    }

    public IEnumerable<string> FinalIds(CellPlan cell) => FinalsOf.GetValueOrDefault(cell.Key) ?? [];

    public SweepPhase Phase(SweepPlan? plan, SweepState state)
    {
        if (plan is null) return SweepPhase.NotSubmitted;
        if (state.Cancelled) return SweepPhase.Cancelled;
        var waitingForStage2 = plan.Cells.Any(c => c.NeedsSelection && !state.Choices.ContainsKey(c.Key) && !SelectionFailed.Contains(c.Key));
        return !waitingForStage2 && Records.Count == Specs.Count ? SweepPhase.Completed : SweepPhase.Running;
    }

    /// <summary>What `status` shows; <paramref name="active"/> is the queued or leased work by trial id.</summary>
    public SweepStatus Status(string sweepId, SweepPlan? plan, SweepState state, IReadOnlyDictionary<string, ActiveWork> active)
    {
        if (plan is null)
        {
            var none = new TrialCounts(0, 0, 0, 0, 0, 0, 0);
            return new SweepStatus { SweepId = sweepId, Phase = SweepPhase.NotSubmitted, Trials = none, Selection = none, Final = none };
        }
        var results = SweepTables.FromRecords(Records.Values).ToDictionary(c => c.Key, StringComparer.Ordinal);
        var cells = plan.Cells.Select(cell => new CellStatus
        {
            Key = cell.Key,
            Selection = Count(cell.SelectionTrials.Select(t => t.Id), cell.SelectionTrials.Count, state, active, blocked: false),
            Final = Count(FinalIds(cell), cell.FinalSeeds.Count, state, active, blocked: SelectionFailed.Contains(cell.Key)),
            Choice = state.Choices.GetValueOrDefault(cell.Key),
            SelectionFailed = SelectionFailed.Contains(cell.Key),
            Result = results.GetValueOrDefault(cell.Key) ?? EmptyResult(cell),
        }).ToList();
        return new SweepStatus
        {
            SweepId = sweepId,
            Phase = Phase(plan, state),
            Name = plan.Grid.Name,
            Trials = Sum(cells.Select(c => c.Selection).Concat(cells.Select(c => c.Final))),
            Selection = Sum(cells.Select(c => c.Selection)),
            Final = Sum(cells.Select(c => c.Final)),
            Cells = cells,
        };
    }

    /// <summary>What `trials` shows: one summary per planned trial, filtered.</summary>
    public IReadOnlyList<TrialSummary> Trials(TrialFilter filter, SweepState state, IReadOnlyDictionary<string, ActiveWork> active) =>
        Specs.Values
            .Where(s => filter.Stage is null || s.Stage == filter.Stage)
            .Where(s => filter.CellKey is null || CellOf[s.Id] == filter.CellKey)
            .Select(s => Summarise(s, state, active))
            .Where(t => filter.Status is null || t.Status == filter.Status)
            .OrderBy(t => CellOf[t.Spec.Id], StringComparer.Ordinal).ThenBy(t => t.Spec.Stage).ThenBy(t => t.Spec.Lambda).ThenBy(t => t.Spec.Seed)
            .ToList();

    public TrialStatus StatusOf(TrialSpec spec, SweepState state, IReadOnlyDictionary<string, ActiveWork> active)
    {
        if (Records.TryGetValue(spec.Id, out var record)) return record.Status;
        if (state.Cancelled) return TrialStatus.Cancelled;
        return active.TryGetValue(spec.Id, out var a) ? a.Status : TrialStatus.Pending;
    }

    private TrialSummary Summarise(TrialSpec spec, SweepState state, IReadOnlyDictionary<string, ActiveWork> active)
    {
        var record = Records.GetValueOrDefault(spec.Id);
        var work = active.GetValueOrDefault(spec.Id);
        return new TrialSummary
        {
            Spec = spec,
            Status = StatusOf(spec, state, active),
            Attempts = record?.Attempts ?? work?.Attempt ?? 0,
            Worker = record?.Worker ?? work?.Worker,
            Progress = work?.Progress,
            Accuracy = record?.Result?.Accuracy,
            Errors = record?.Errors ?? [],
        };
    }

    /// <summary>
    /// Counts the given trials; <paramref name="expected"/> covers stage-2 trials not created yet: cancelled in a
    /// cancelled sweep, blocked when their cell's stage 1 failed (<paramref name="blocked"/>), else pending.
    /// </summary>
    private TrialCounts Count(IEnumerable<string> ids, int expected, SweepState state, IReadOnlyDictionary<string, ActiveWork> active, bool blocked)
    {
        int pending = 0, leased = 0, running = 0, succeeded = 0, failed = 0, cancelled = 0, seen = 0;
        foreach (var id in ids)
        {
            seen++;
            switch (StatusOf(Specs[id], state, active))
            {
                case TrialStatus.Pending: pending++; break;
                case TrialStatus.Leased: leased++; break;
                case TrialStatus.Running: running++; break;
                case TrialStatus.Succeeded: succeeded++; break;
                case TrialStatus.Failed: failed++; break;
                case TrialStatus.Cancelled: cancelled++; break;
            }
        }
        var missing = Math.Max(0, expected - seen);
        var notCreated = 0;
        if (state.Cancelled) cancelled += missing;
        else if (blocked) notCreated = missing;
        else pending += missing;
        return new TrialCounts(Math.Max(expected, seen), pending, leased, running, succeeded, failed, cancelled, notCreated);
    }

    private static TrialCounts Sum(IEnumerable<TrialCounts> counts) => counts.Aggregate(
        new TrialCounts(0, 0, 0, 0, 0, 0, 0),
        (a, b) => new TrialCounts(a.Total + b.Total, a.Pending + b.Pending, a.Leased + b.Leased, a.Running + b.Running, a.Succeeded + b.Succeeded,
            a.Failed + b.Failed, a.Cancelled + b.Cancelled, a.Blocked + b.Blocked));

    private static CellResult EmptyResult(CellPlan cell) => new()
    {
        Key = cell.Key,
        Method = cell.Method,
        Combo = cell.ComboKey,
        Final = SeedStatistics.MeanAndStandardError([]),
    };
}
