using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Records;

namespace AftSweep.Infra.Database;

/// <summary>
/// Writes trial records into the typed trial_records table: the columns a query needs, plus the whole record as JSON.
/// Rows are prepared (ids checked, JSON serialized) by the caller, before the write is queued: the group-commit writer,
/// which every write of the process waits for, only binds and executes.
/// </summary>
public static class TrialRecordRows
{
    /// <exception cref="ArgumentException">A sweep or trial id is not a valid id (checked before anything is queued).</exception>
    public static PreparedRecordChanges Prepare(RecordChanges changes) => new(
        changes.Upserts.Select(Row).ToList(),
        changes.Deletes.Select(k => new RecordKey(RecordJson.CheckId(k.SweepId, "sweep id"), RecordJson.CheckId(k.TrialId, "trial id"))).ToList());

    public static async ValueTask ApplyAsync(WriteContext context, PreparedRecordChanges changes)
    {
        context.RecordChanges += changes.Rows.Count + changes.Deletes.Count;
        foreach (var key in changes.Deletes) await DeleteAsync(context, key).ConfigureAwait(false);
        foreach (var row in changes.Rows)
        {
            var command = context.Command(StateSql.UpsertRecord);
            row.Bind(command, context.Dialect, context.Now);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True when a record was removed; <paramref name="key"/> holds checked ids.</summary>
    public static async ValueTask<bool> DeleteAsync(WriteContext context, RecordKey key)
    {
        var command = context.Command(StateSql.DeleteRecord);
        SqlDialect.Add(command, "sweep_id", key.SweepId);
        SqlDialect.Add(command, "trial_id", key.TrialId);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) > 0;
    }

    public static RecordRow Row(TrialRecord record)
    {
        var spec = record.Spec;
        var result = record.Result;
        var (silo, slot) = SplitWorker(record.Worker);
        var onTest = result is not null && string.Equals(result.EvaluatedOn, "test", StringComparison.Ordinal);
        return new RecordRow(
            RecordJson.CheckId(record.SweepId, "sweep id"), RecordJson.CheckId(spec.Id, "trial id"), spec.Dataset.Name, spec.Method.NameOf(),
            spec.Lambda, spec.ComboKey, spec.Seed, StageName(spec.Stage), StateName(record.Status), record.Attempts, silo, slot,
            result is not null && !onTest ? result.Accuracy : null, onTest ? result!.Accuracy : null, result?.WallSeconds, result?.Steps,
            record.FinishedAt, result?.Versions.GetValueOrDefault("trials"), result?.Versions.GetValueOrDefault("aftsweep"), record.Schema,
            RecordJson.SerializeCompact(record));
    }

    /// <summary>Workers are named "silo/slot" (WorkerSlot); anything else is a silo name alone.</summary>
    public static (string? Silo, string? Slot) SplitWorker(string? worker)
    {
        if (string.IsNullOrEmpty(worker)) return (null, null);
        var slash = worker.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (worker, null) : (worker[..slash], worker[(slash + 1)..]);
    }

    public static string StageName(TrialStage stage) => stage switch
    {
        TrialStage.Selection => "selection",
        TrialStage.Final => "final",
        _ => stage.ToString().ToLowerInvariant(),
    };

    public static string StateName(TrialStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>Record changes ready for the writer: rows to upsert and (checked) keys to delete.</summary>
public sealed record PreparedRecordChanges(IReadOnlyList<RecordRow> Rows, IReadOnlyList<RecordKey> Deletes);

/// <summary>One trial_records row: the typed columns and the record's JSON.</summary>
public sealed record RecordRow(
    string SweepId, string TrialId, string Dataset, string Method, double? Lambda, string Combo, int Seed, string Stage, string State,
    int Attempts, string? Silo, string? Slot, double? HoldoutAccuracy, double? TestAccuracy, double? WallSeconds, int? Steps,
    DateTimeOffset? FinishedAt, string? CodeVersion, string? AftSweepVersion, int RecordSchema, string Json)
{
    public void Bind(System.Data.Common.DbCommand command, SqlDialect dialect, DateTimeOffset now)
    {
        SqlDialect.Add(command, "sweep_id", SweepId);
        SqlDialect.Add(command, "trial_id", TrialId);
        SqlDialect.Add(command, "dataset", Dataset);
        SqlDialect.Add(command, "method", Method);
        SqlDialect.Add(command, "lambda", Lambda);
        SqlDialect.Add(command, "combo", Combo);
        SqlDialect.Add(command, "seed", Seed);
        SqlDialect.Add(command, "stage", Stage);
        SqlDialect.Add(command, "state", State);
        SqlDialect.Add(command, "attempts", Attempts);
        SqlDialect.Add(command, "silo", Silo);
        SqlDialect.Add(command, "slot", Slot);
        SqlDialect.Add(command, "holdout_accuracy", HoldoutAccuracy);
        SqlDialect.Add(command, "test_accuracy", TestAccuracy);
        SqlDialect.Add(command, "wall_seconds", WallSeconds);
        SqlDialect.Add(command, "steps", Steps);
        SqlDialect.Add(command, "finished_at", FinishedAt is { } at ? dialect.Timestamp(at) : null);
        SqlDialect.Add(command, "code_version", CodeVersion);
        SqlDialect.Add(command, "aftsweep_version", AftSweepVersion);
        SqlDialect.Add(command, "record_schema", RecordSchema);
        dialect.AddJson(command, "record", Json);
        SqlDialect.Add(command, "now", dialect.Timestamp(now));
    }
}
