using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using AftSweep.Contracts.Protocol;
using AftSweep.Infra.Json;
using AftSweep.Infra.Records;

namespace AftSweep.Infra.Database.Legacy;

/// <summary>What an import of a legacy state folder brought into the database.</summary>
public sealed record LegacyImportReport(string Folder, string Database, int GrainStates, int Records, int Sweeps, IReadOnlyList<string> Skipped, DateTimeOffset At)
{
    public string Describe()
    {
        var skipped = Skipped.Count > 0
            ? $"; {Skipped.Count} file(s) whose grain key is not recoverable were left out ({string.Join(", ", Skipped.Take(3))})"
            : "";
        return $"imported the state folder {Folder} written by an earlier AftSweep (segment journals) into {Database}: " +
               $"{GrainStates} grain states, {Records} records of {Sweeps} sweep(s){skipped}. " +
               "The old grains/ and records/ folders are no longer read; delete them once satisfied";
    }
}

/// <summary>
/// Moves a legacy state folder (<see cref="LegacyStateFolder"/>) into the state database, once: everything in one
/// transaction with a marker row in aftsweep_meta, so a crash leaves the database as it was (and the next open imports
/// again), and a folder already imported is never imported twice, whichever process opens it first. Grain states keep
/// their versions; sweeps are registered from the plans found in the states, so the records get their grid names.
/// </summary>
public static class LegacyImport
{
    public const string MarkerKey = "legacy-import";

    private const string InsertState =
        "INSERT INTO grain_state (state_name, grain_id, grain_type, version, payload, updated_at) " +
        "VALUES (@state_name, @grain_id, @grain_type, @version, @payload, @now) ON CONFLICT (state_name, grain_id) DO NOTHING";

    /// <summary>The import done now, or null when there was nothing to import or it was done before.</summary>
    public static async Task<LegacyImportReport?> RunAsync(DbConnection connection, SqlDialect dialect, string stateFolder, string database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var legacy = new LegacyStateFolder(stateFolder);
        if (!legacy.Exists) return null;
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var marker = connection.CreateCommand())
        {
            marker.Transaction = transaction;
            marker.CommandText = $"SELECT value FROM {SchemaMigrator.MetaTable} WHERE key = @key";
            SqlDialect.Add(marker, "key", MarkerKey);
            if (await marker.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string) return null;
        }

        var states = legacy.GrainStates(out var skipped);
        var records = legacy.Records();
        var context = new WriteContext(connection, transaction, new Dictionary<string, DbCommand>(StringComparer.Ordinal), dialect, now);
        foreach (var state in states)
        {
            var command = context.Command(InsertState);
            SqlDialect.Add(command, "state_name", state.StateName);
            SqlDialect.Add(command, "grain_id", state.GrainId);
            SqlDialect.Add(command, "grain_type", state.GrainType);
            SqlDialect.Add(command, "version", state.Version);
            SqlDialect.Add(command, "payload", state.StateJson);
            SqlDialect.Add(command, "now", dialect.Timestamp(now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var sweeps = states.Select(s => PlanOf(s.StateJson)).OfType<SweepPlan>().DistinctBy(p => p.SweepId).ToList();
        foreach (var plan in sweeps)
        {
            var command = context.Command(StateSql.UpsertSweep);
            SqlDialect.Add(command, "sweep_id", plan.SweepId);
            SqlDialect.Add(command, "grid_name", plan.Grid.Name);
            SqlDialect.Add(command, "dataset", plan.Grid.Dataset.Name);
            SqlDialect.Add(command, "trials", plan.TotalTrialCount);
            SqlDialect.Add(command, "submitted_at", dialect.Timestamp(now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await TrialRecordRows.ApplyAsync(context, TrialRecordRows.Prepare(RecordChanges.Write(records))).ConfigureAwait(false);
        await context.ReleaseAsync().ConfigureAwait(false);

        var report = new LegacyImportReport(legacy.Folder, database, states.Count, records.Count, records.Select(r => r.SweepId).Distinct().Count(), skipped, now);
        await using (var mark = connection.CreateCommand())
        {
            mark.Transaction = transaction;
            mark.CommandText = $"INSERT INTO {SchemaMigrator.MetaTable} (key, value) VALUES (@key, @value)";
            SqlDialect.Add(mark, "key", MarkerKey);
            SqlDialect.Add(mark, "value", JsonSerializer.Serialize(report, StoreJson.Compact));
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>A sweep plan held by a state ({"plan": {...}}: the sweep's plan state, or the sweep state of older versions).</summary>
    private static SweepPlan? PlanOf(string stateJson)
    {
        using var document = JsonDocument.Parse(stateJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("plan", out var plan) || plan.ValueKind != JsonValueKind.Object)
            return null;
        return plan.Deserialize<SweepPlan>(StoreJson.Compact);
    }
}
