using System.Runtime.CompilerServices;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Records;

namespace AftSweep.Infra.Database;

/// <summary>
/// Trial records in the state database's trial_records table (typed columns plus the record as JSON), written with
/// their trial's state in one transaction (<see cref="WriteWithStateAsync"/>). Reads see every committed write of
/// every process sharing the database.
/// </summary>
public sealed class DatabaseRecordStore(StateDatabase database) : IRecordStore
{
    public StateDatabase Database => database;

    public Task WriteAsync(TrialRecord record, CancellationToken cancellationToken = default)
    {
        var row = TrialRecordRows.Prepare(RecordChanges.Write([record]));
        return database.Writer.WriteAsync($"records/{record.SweepId}/{record.Spec.Id}", async context =>
        {
            await TrialRecordRows.ApplyAsync(context, row).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>
    /// The changes ride on the state write: <see cref="DatabaseGrainStorage"/> takes them, checks their ids and prepares
    /// their rows before it queues the write, and commits them in the write's transaction.
    /// </summary>
    public Task WriteWithStateAsync(RecordChanges changes, Func<Task> writeState) => RecordsWithState.Attach(changes, writeState);

    public async Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = StateSql.ReadRecord;
        SqlDialect.Add(command, "sweep_id", RecordJson.CheckId(sweepId, "sweep id"));
        SqlDialect.Add(command, "trial_id", RecordJson.CheckId(trialId, "trial id"));
        var json = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return json is string text ? RecordJson.Deserialize(text, SourceOf(sweepId, trialId)) : null;
    }

    public Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default)
    {
        var key = new RecordKey(RecordJson.CheckId(sweepId, "sweep id"), RecordJson.CheckId(trialId, "trial id"));
        return database.Writer.WriteAsync(KeyOf(key), context => TrialRecordRows.DeleteAsync(context, key));
    }

    public async IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = new List<(string TrialId, string Json)>();
        await using (var connection = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = StateSql.ReadRecords;
            SqlDialect.Add(command, "sweep_id", RecordJson.CheckId(sweepId, "sweep id"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        // Ordinal order on every database (a PostgreSQL collation may sort differently).
        foreach (var (trialId, json) in rows.OrderBy(r => r.TrialId, StringComparer.Ordinal))
            yield return RecordJson.Deserialize(json, SourceOf(sweepId, trialId));
    }

    /// <summary>Every sweep that has records, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> SweepIdsAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await using var connection = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = StateSql.ReadSweepIds;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(reader.GetString(0));
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>Every record of every sweep in a state folder's SQLite database (for readers such as `results`).</summary>
    public static async Task<IReadOnlyList<TrialRecord>> ReadStateFolderAsync(string stateFolder, CancellationToken cancellationToken = default)
    {
        await using var lease = StateDatabases.Sqlite(stateFolder, flushToDisk: false);
        var store = new DatabaseRecordStore(lease.Database);
        var records = new List<TrialRecord>();
        foreach (var sweepId in await store.SweepIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (var record in store.ReadAllAsync(sweepId, cancellationToken).ConfigureAwait(false)) records.Add(record);
        }
        return records;
    }

    public Task RegisterSweepAsync(SweepEntry sweep, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync($"sweeps/{sweep.SweepId}", async context =>
        {
            var upsert = context.Command(StateSql.UpsertSweep);
            SqlDialect.Add(upsert, "sweep_id", RecordJson.CheckId(sweep.SweepId, "sweep id"));
            SqlDialect.Add(upsert, "grid_name", sweep.GridName);
            SqlDialect.Add(upsert, "dataset", sweep.Dataset);
            SqlDialect.Add(upsert, "trials", sweep.Trials);
            SqlDialect.Add(upsert, "submitted_at", context.Dialect.Timestamp(sweep.SubmittedAt));
            await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
            var fill = context.Command(StateSql.FillGridName);
            SqlDialect.Add(fill, "grid_name", sweep.GridName);
            SqlDialect.Add(fill, "sweep_id", sweep.SweepId);
            await fill.ExecuteNonQueryAsync().ConfigureAwait(false);
            return true;
        });

    public string Describe() => database.Describe();

    private static string KeyOf(RecordKey key) => $"records/{key.SweepId}/{key.TrialId}";

    private string SourceOf(string sweepId, string trialId) => $"{database.Describe()}: record of trial {trialId} in sweep {sweepId}";
}
