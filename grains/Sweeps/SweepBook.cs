using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// The views `status` and `trials` show (<see cref="Status"/>, <see cref="Trials"/>) of a sweep's
/// <see cref="SweepLedger"/>, which holds its trials, records and lambda choices. No I/O: the <see cref="SweepGrain"/>
/// keeps one per activation, and a reader of a state folder builds one from the persisted plan, state and records
/// (<see cref="FromPersisted"/>), so both show a sweep the same way.
/// </summary>
public sealed class SweepBook(SweepLedger ledger)
{
    public SweepLedger Ledger { get; } = ledger;
    public IReadOnlyDictionary<string, TrialSpec> Specs => Ledger.Trials;
    public IReadOnlyDictionary<string, TrialRecord> Records => Ledger.Records;

    /// <summary>
    /// A sweep as its persisted plan, state and records describe it, without a silo: persisted lambda choices are
    /// taken as they are (the grain re-decides them when it activates); a cell whose stage 1 finished with no success
    /// and no choice shows as failed.
    /// </summary>
    public static SweepBook FromPersisted(string sweepId, SweepPlan plan, SweepState state, IEnumerable<TrialRecord> records)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var ledger = new SweepLedger(plan, state.Choices);
        foreach (var record in records.Where(r => r.SweepId == sweepId)) ledger.Accept(record);
        return new SweepBook(ledger);
    }

    /// <summary>The records, by trial id.</summary>
    public IReadOnlyList<TrialRecord> SortedRecords => Records.Values.OrderBy(r => r.Spec.Id, StringComparer.Ordinal).ToList();

    /// <summary>Planned trials without a finished record.</summary>
    public int Unfinished => Ledger.Trials.Count - Ledger.Records.Count;

    public int Count(TrialStatus status) => Ledger.Records.Values.Count(r => r.Status == status);

    /// <summary>What `retry` reruns: the given trial (it must be the sweep's and have failed), or every failed one.</summary>
    public IReadOnlyList<TrialSpec> RetryTargets(string sweepId, string? trialId, SweepState state)
    {
        if (trialId is null) return Records.Values.Where(r => r.Status == TrialStatus.Failed).Select(r => Specs[r.Spec.Id]).ToList();
        if (!Specs.TryGetValue(trialId, out var spec)) throw new ArgumentException($"trial '{trialId}' is not part of sweep {sweepId}");
        if (Records.GetValueOrDefault(trialId)?.Status != TrialStatus.Failed)
            throw new ArgumentException($"trial '{trialId}' has not failed (it is {StatusOf(spec, state, new Dictionary<string, ActiveWork>())}): only failed trials can be retried");
        return [spec];
    }

    public static SweepPhase Phase(SweepPlan? plan, SweepState state, SweepLedger? ledger)
    {
        if (plan is null || ledger is null) return SweepPhase.NotSubmitted;
        if (state.Cancelled) return SweepPhase.Cancelled;
        return ledger.IsFinished ? SweepPhase.Completed : SweepPhase.Running;
    }

    /// <summary>What `status` shows of a sweep never submitted.</summary>
    public static SweepStatus NotSubmitted(string sweepId)
    {
        var none = new TrialCounts(0, 0, 0, 0, 0, 0, 0);
        return new SweepStatus { SweepId = sweepId, Phase = SweepPhase.NotSubmitted, Trials = none, Selection = none, Final = none };
    }

    /// <summary>What `status` shows; <paramref name="active"/> is the queued or leased work by trial id.</summary>
    public SweepStatus Status(string sweepId, SweepPlan? plan, SweepState state, IReadOnlyDictionary<string, ActiveWork> active)
    {
        if (plan is null) return NotSubmitted(sweepId);
        var results = SweepTables.FromRecords(Records.Values).ToDictionary(c => c.Key, StringComparer.Ordinal);
        var cells = plan.Cells.Select(cell => new CellStatus
        {
            Key = cell.Key,
            Selection = Count(cell.SelectionTrials.Select(t => t.Id), cell.SelectionTrials.Count, state, active, blocked: false),
            Final = Count(Ledger.FinalIds(cell.Key), cell.FinalSeeds.Count, state, active, blocked: Ledger.IsSelectionFailed(cell.Key)),
            Choice = Ledger.Choices.GetValueOrDefault(cell.Key),
            SelectionFailed = Ledger.IsSelectionFailed(cell.Key),
            Result = results.GetValueOrDefault(cell.Key) ?? EmptyResult(cell),
        }).ToList();
        return new SweepStatus
        {
            SweepId = sweepId,
            Phase = Phase(plan, state, Ledger),
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
            .Where(s => filter.CellKey is null || Ledger.CellOf(s.Id) == filter.CellKey)
            .Select(s => Summarise(s, state, active))
            .Where(t => filter.Status is null || t.Status == filter.Status)
            .OrderBy(t => Ledger.CellOf(t.Spec.Id), StringComparer.Ordinal).ThenBy(t => t.Spec.Stage).ThenBy(t => t.Spec.Lambda).ThenBy(t => t.Spec.Seed)
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
