using AftSweep.Contracts.Trials;
using AftSweep.Infra.Records;
using Microsoft.Data.Sqlite;

namespace AftSweep.Infra.Database.Sqlite;

/// <summary>
/// A consistent, read-only copy of what a state folder's SQLite database holds: its sweeps, their records and the
/// grain states a reader asks for. Read in one short read transaction on a read-only connection, so it may be taken
/// while a `run` writes the folder (WAL: the reader never blocks the writer) and never creates, migrates or imports
/// anything (unlike opening the database for writing).
/// </summary>
public sealed class StateFolderSnapshot
{
    private StateFolderSnapshot(string folder, IReadOnlyList<SweepEntry> sweeps, IReadOnlyList<TrialRecord> records, IReadOnlyDictionary<(string, string), string> states)
    {
        Folder = folder;
        Sweeps = sweeps;
        Records = records;
        _states = states;
    }

    private readonly IReadOnlyDictionary<(string StateName, string GrainId), string> _states;

    public string Folder { get; }

    /// <summary>Every sweep submitted to this folder, oldest first.</summary>
    public IReadOnlyList<SweepEntry> Sweeps { get; }

    /// <summary>Every trial record of every sweep, ordered by sweep and trial id.</summary>
    public IReadOnlyList<TrialRecord> Records { get; }

    /// <summary>Whether <paramref name="folder"/> is a state folder (holds aftsweep.db).</summary>
    public static bool IsStateFolder(string folder) => File.Exists(Path.Combine(folder, SqliteStateDatabase.FileName));

    /// <summary>The JSON of one grain state read with the snapshot (null: none), e.g. ("sweep", "sweep/ID").</summary>
    public string? State(string stateName, string grainId) => _states.GetValueOrDefault((stateName, grainId));

    /// <summary>Every grain state of the given names read with the snapshot.</summary>
    public IEnumerable<(string StateName, string GrainId, string Json)> States(string stateName) =>
        _states.Where(kv => kv.Key.StateName == stateName).Select(kv => (kv.Key.StateName, kv.Key.GrainId, kv.Value));

    /// <param name="stateNames">The grain states to read as well (e.g. sweep, sweepplan, trial); none for records only.</param>
    /// <exception cref="InvalidDataException">No aftsweep.db in the folder, or one without AftSweep's tables.</exception>
    public static async Task<StateFolderSnapshot> ReadAsync(string folder, IReadOnlyCollection<string> stateNames, CancellationToken cancellationToken = default)
    {
        var file = Path.Combine(Path.GetFullPath(folder), SqliteStateDatabase.FileName);
        if (!File.Exists(file)) throw new InvalidDataException($"'{folder}' is not a state folder: it has no {SqliteStateDatabase.FileName}");
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = (int)SqliteStateDatabase.BusyTimeout.TotalSeconds,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One read transaction: the sweeps, records and states are of one commit of the writer.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var sweeps = new List<SweepEntry>();
            await using (var command = Command(connection, transaction, "SELECT sweep_id, grid_name, dataset, trials, submitted_at FROM sweeps"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sweeps.Add(new SweepEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                        DateTimeOffset.ParseExact(reader.GetString(4), SqliteDialect.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)));
                }
            }
            var rows = new List<(string Sweep, string Trial, string Json)>();
            await using (var command = Command(connection, transaction, "SELECT sweep_id, trial_id, record FROM trial_records"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            var states = new Dictionary<(string, string), string>();
            foreach (var name in stateNames)
            {
                await using var command = Command(connection, transaction, "SELECT grain_id, payload FROM grain_state WHERE state_name = @name AND payload IS NOT NULL");
                command.Parameters.AddWithValue("@name", name);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) states[(name, reader.GetString(0))] = reader.GetString(1);
            }
            var records = rows.OrderBy(r => r.Sweep, StringComparer.Ordinal).ThenBy(r => r.Trial, StringComparer.Ordinal)
                .Select(r => RecordJson.Deserialize(r.Json, $"SQLite {file}: record of trial {r.Trial} in sweep {r.Sweep}")).ToList();
            return new StateFolderSnapshot(folder, sweeps.OrderBy(s => s.SubmittedAt).ThenBy(s => s.SweepId, StringComparer.Ordinal).ToList(), records, states);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{file} holds no AftSweep state yet (a run that just started is still creating it)", e);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
