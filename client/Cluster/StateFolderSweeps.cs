using System.Text.Json;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains;
using AftSweep.Grains.Sweeps;
using AftSweep.Grains.Trials;
using AftSweep.Infra.Database.Sqlite;
using AftSweep.Infra.Json;

namespace AftSweep.Client.Cluster;

/// <summary>
/// The sweeps of a state folder as `status` and `trials` show them, without a silo: one read-only snapshot of its
/// database (<see cref="StateFolderSnapshot"/>: safe while a `run` uses the folder), each sweep's persisted plan, state
/// and records put together by the grain's own <see cref="SweepBook"/>. Queued or leased trials are read from their
/// trial grains' states (a trial a live `run` is training shows as leased or running).
/// </summary>
public sealed class StateFolderSweeps
{
    private readonly StateFolderSnapshot _snapshot;

    private StateFolderSweeps(StateFolderSnapshot snapshot) => _snapshot = snapshot;

    public string Folder => _snapshot.Folder;

    /// <exception cref="ArgumentException">The folder is not a state folder, or its database cannot be read.</exception>
    public static async Task<StateFolderSweeps> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"--state: '{folder}' does not exist (expected a state folder: the --state of `aftsweep run`, default .aftsweep/state)");
        if (!StateFolderSnapshot.IsStateFolder(folder))
            throw new ArgumentException($"--state: '{folder}' is not a state folder: it has no {SqliteStateDatabase.FileName} (the --state of `aftsweep run`, default .aftsweep/state)");
        try
        {
            return new StateFolderSweeps(await StateFolderSnapshot.ReadAsync(folder, [StorageNames.SweepState, StorageNames.SweepPlanState, StorageNames.TrialState], cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException or JsonException)
        {
            throw new ArgumentException($"--state: {e.Message}", e);
        }
    }

    public IReadOnlyList<SweepRegistration> Registered =>
        _snapshot.Sweeps.Select(s => new SweepRegistration(s.SweepId, s.GridName, s.SubmittedAt)).ToList();

    /// <summary>The full id a sweep id or prefix names (the same rules as on a cluster).</summary>
    public string Resolve(string idOrPrefix)
    {
        var id = (idOrPrefix ?? "").Trim().ToLowerInvariant();
        if (id.Length == 0 || !id.All(Uri.IsHexDigit) || id.Length > TrialIds.Length)
            throw new ArgumentException($"SWEEP: '{idOrPrefix}' is not a sweep id (the {TrialIds.Length} hex characters `run` prints, or at least {SweepClient.MinimumPrefix} of them)");
        if (id.Length < SweepClient.MinimumPrefix && id.Length != TrialIds.Length)
            throw new ArgumentException($"SWEEP: '{idOrPrefix}' is too short: give at least {SweepClient.MinimumPrefix} characters of the sweep id, or all {TrialIds.Length}");
        try
        {
            return SweepClient.ResolvePrefix(id, Registered);
        }
        catch (SweepNotFoundException)
        {
            throw new ArgumentException($"SWEEP: no sweep in state folder {Folder} starts with '{idOrPrefix}' (`aftsweep status --state {Folder}` lists them)");
        }
    }

    public SweepStatus Status(string sweepId)
    {
        var (book, plan, state, active) = Load(sweepId);
        return book.Status(sweepId, plan, state, active);
    }

    public IReadOnlyList<TrialSummary> Trials(string sweepId, TrialFilter filter)
    {
        var (book, _, state, active) = Load(sweepId);
        return book.Trials(filter, state, active);
    }

    public IReadOnlyList<TrialRecord> Records(string sweepId) => _snapshot.Records.Where(r => r.SweepId == sweepId).ToList();

    /// <summary>Every sweep, newest first, as the cluster's sweep list shows them.</summary>
    public IReadOnlyList<SweepOverview> List() => Registered.Select(r =>
    {
        var finished = Records(r.SweepId).Select(x => x.FinishedAt).OfType<DateTimeOffset>().DefaultIfEmpty(r.SubmittedAt).Max();
        return new SweepOverview(r, Status(r.SweepId), finished > r.SubmittedAt ? finished : r.SubmittedAt);
    }).OrderByDescending(o => o.Registration.SubmittedAt).ToList();

    private (SweepBook Book, SweepPlan Plan, SweepState State, IReadOnlyDictionary<string, ActiveWork> Active) Load(string sweepId)
    {
        var grain = $"sweep/{sweepId}";
        var state = Read<SweepState>(StorageNames.SweepState, grain) ?? new SweepState();
        var plan = Read<SweepPlanState>(StorageNames.SweepPlanState, grain)?.Plan ?? state.Plan
            ?? throw new ArgumentException($"SWEEP: state folder {Folder} has no plan for sweep {sweepId}");
        var records = Records(sweepId);
        var book = SweepBook.FromPersisted(sweepId, plan, state, records);
        var active = new Dictionary<string, ActiveWork>(StringComparer.Ordinal);
        if (!state.Cancelled)
        {
            foreach (var id in book.Specs.Keys.Where(id => !book.Records.ContainsKey(id)))
            {
                if (Read<TrialState>(StorageNames.TrialState, $"trial/{id}") is { Status: TrialStatus.Leased or TrialStatus.Running } trial && trial.SweepIds.Contains(sweepId))
                    active[id] = new ActiveWork(id, trial.Status, trial.Worker, trial.TotalAttempts, null);
            }
        }
        return (book, plan, state, active);
    }

    private T? Read<T>(string stateName, string grainId) where T : class =>
        _snapshot.State(stateName, grainId) is { } json ? JsonSerializer.Deserialize<T>(json, StoreJson.Compact) : null;
}
