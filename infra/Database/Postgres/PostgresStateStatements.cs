using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using AftSweep.Infra.Records;
using Npgsql;
using NpgsqlTypes;

namespace AftSweep.Infra.Database.Postgres;

/// <summary>
/// A grain state write and its record changes as one PostgreSQL statement: the state update in a data-modifying WITH
/// clause, each record upsert or delete reading its result (so records are written only with the state), and one row
/// back: the new version (NULL when the write's expected version is not the live one) and the live version. One
/// statement per write lets the writer send a whole batch in one round trip.
/// </summary>
public static class PostgresStateStatements
{
    private static readonly ConcurrentDictionary<(bool Insert, int Deletes, int Upserts), string> Texts = new();

    /// <summary>The statement, or null when one statement cannot do it (a record both deleted and written).</summary>
    public static WriteStatement? For(StateWrite write)
    {
        var records = write.Records;
        var deletes = records?.Deletes ?? [];
        var rows = records?.Rows ?? [];
        if (rows.Any(r => deletes.Contains(new RecordKey(r.SweepId, r.TrialId)))) return null;
        var sql = Texts.GetOrAdd((write.Expected is null, deletes.Count, rows.Count), shape => Build(shape.Insert, shape.Deletes, shape.Upserts));
        return new WriteStatement(sql, (parameters, now) =>
        {
            Add(parameters, "state_name", write.StateName);
            Add(parameters, "grain_id", write.GrainId);
            Add(parameters, "grain_type", write.GrainType);
            Add(parameters, "payload", write.Payload);
            parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
            if (write.Expected is { } expected) Add(parameters, "expected", expected);
            for (var i = 0; i < deletes.Count; i++)
            {
                Add(parameters, $"d{i}_sweep_id", deletes[i].SweepId);
                Add(parameters, $"d{i}_trial_id", deletes[i].TrialId);
            }
            for (var i = 0; i < rows.Count; i++) Bind(parameters, $"r{i}_", rows[i]);
        }, deletes.Count + rows.Count);
    }

    private static string Build(bool insert, int deletes, int upserts)
    {
        var sql = new StringBuilder("WITH s AS (");
        sql.Append(insert
            ? "INSERT INTO grain_state (state_name, grain_id, grain_type, version, payload, updated_at) " +
              "VALUES (@state_name, @grain_id, @grain_type, 1, @payload, @now) " +
              "ON CONFLICT (state_name, grain_id) DO UPDATE SET version = grain_state.version + 1, grain_type = excluded.grain_type, " +
              "payload = excluded.payload, updated_at = excluded.updated_at WHERE grain_state.payload IS NULL RETURNING version"
            : "UPDATE grain_state SET version = version + 1, grain_type = @grain_type, payload = @payload, updated_at = @now " +
              "WHERE state_name = @state_name AND grain_id = @grain_id AND version = @expected AND payload IS NOT NULL RETURNING version");
        sql.Append(')');
        for (var i = 0; i < deletes; i++)
            sql.Append($", d{i} AS (DELETE FROM trial_records WHERE sweep_id = @d{i}_sweep_id AND trial_id = @d{i}_trial_id AND EXISTS (SELECT 1 FROM s))");
        for (var i = 0; i < upserts; i++)
        {
            var p = $"@r{i}_";
            sql.Append($", r{i} AS (INSERT INTO trial_records ({StateSql.RecordColumns}) SELECT ")
                .Append($"{p}sweep_id::text, {p}trial_id::text, (SELECT grid_name FROM sweeps WHERE sweep_id = {p}sweep_id::text), {p}dataset::text, ")
                .Append($"{p}method::text, {p}lambda::double precision, {p}combo::text, {p}seed::integer, {p}stage::text, {p}state::text, ")
                .Append($"{p}attempts::integer, {p}silo::text, {p}slot::text, {p}holdout_accuracy::double precision, ")
                .Append($"{p}test_accuracy::double precision, {p}wall_seconds::double precision, {p}steps::integer, {p}finished_at::timestamptz, ")
                .Append($"{p}code_version::text, {p}aftsweep_version::text, {p}record_schema::integer, {p}record::json, 1, @now ")
                .Append($"FROM s {StateSql.RecordConflict})");
        }
        sql.Append(" SELECT (SELECT version FROM s) AS written, ")
            .Append("(SELECT version FROM grain_state WHERE state_name = @state_name AND grain_id = @grain_id AND payload IS NOT NULL) AS live");
        return sql.ToString();
    }

    private static void Bind(DbParameterCollection parameters, string prefix, RecordRow row)
    {
        Add(parameters, prefix + "sweep_id", row.SweepId);
        Add(parameters, prefix + "trial_id", row.TrialId);
        Add(parameters, prefix + "dataset", row.Dataset);
        Add(parameters, prefix + "method", row.Method);
        Add(parameters, prefix + "lambda", row.Lambda);
        Add(parameters, prefix + "combo", row.Combo);
        Add(parameters, prefix + "seed", row.Seed);
        Add(parameters, prefix + "stage", row.Stage);
        Add(parameters, prefix + "state", row.State);
        Add(parameters, prefix + "attempts", row.Attempts);
        Add(parameters, prefix + "silo", row.Silo);
        Add(parameters, prefix + "slot", row.Slot);
        Add(parameters, prefix + "holdout_accuracy", row.HoldoutAccuracy);
        Add(parameters, prefix + "test_accuracy", row.TestAccuracy);
        Add(parameters, prefix + "wall_seconds", row.WallSeconds);
        Add(parameters, prefix + "steps", row.Steps);
        parameters.Add(new NpgsqlParameter(prefix + "finished_at", NpgsqlDbType.TimestampTz) { Value = row.FinishedAt is { } at ? at.ToUniversalTime() : DBNull.Value });
        Add(parameters, prefix + "code_version", row.CodeVersion);
        Add(parameters, prefix + "aftsweep_version", row.AftSweepVersion);
        Add(parameters, prefix + "record_schema", row.RecordSchema);
        parameters.Add(new NpgsqlParameter(prefix + "record", NpgsqlDbType.Json) { Value = row.Json });
    }

    private static void Add(DbParameterCollection parameters, string name, object? value) =>
        parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
}
