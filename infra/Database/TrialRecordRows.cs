using System.Data.Common;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Records;

namespace AftSweep.Infra.Database;

/// <summary>Writes trial records into the typed trial_records table: the columns a query needs, plus the whole record as JSON.</summary>
public static class TrialRecordRows
{
    public static async ValueTask ApplyAsync(WriteContext context, RecordChanges changes)
    {
        context.RecordChanges += changes.Upserts.Count + changes.Deletes.Count;
        foreach (var key in changes.Deletes) await DeleteAsync(context, key).ConfigureAwait(false);
        foreach (var record in changes.Upserts)
        {
            var command = context.Command(StateSql.UpsertRecord);
            Bind(command, record, context.Dialect, context.Now);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True when a record was removed.</summary>
    public static async ValueTask<bool> DeleteAsync(WriteContext context, RecordKey key)
    {
        var command = context.Command(StateSql.DeleteRecord);
        SqlDialect.Add(command, "sweep_id", RecordJson.CheckId(key.SweepId, "sweep id"));
        SqlDialect.Add(command, "trial_id", RecordJson.CheckId(key.TrialId, "trial id"));
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) > 0;
    }

    public static void Bind(DbCommand command, TrialRecord record, SqlDialect dialect, DateTimeOffset now)
    {
        var spec = record.Spec;
        var result = record.Result;
        var (silo, slot) = SplitWorker(record.Worker);
        var onTest = result is not null && string.Equals(result.EvaluatedOn, "test", StringComparison.Ordinal);
        SqlDialect.Add(command, "sweep_id", RecordJson.CheckId(record.SweepId, "sweep id"));
        SqlDialect.Add(command, "trial_id", RecordJson.CheckId(spec.Id, "trial id"));
        SqlDialect.Add(command, "dataset", spec.Dataset.Name);
        SqlDialect.Add(command, "method", spec.Method.NameOf());
        SqlDialect.Add(command, "lambda", spec.Lambda);
        SqlDialect.Add(command, "combo", spec.ComboKey);
        SqlDialect.Add(command, "seed", spec.Seed);
        SqlDialect.Add(command, "stage", StageName(spec.Stage));
        SqlDialect.Add(command, "state", StateName(record.Status));
        SqlDialect.Add(command, "attempts", record.Attempts);
        SqlDialect.Add(command, "silo", silo);
        SqlDialect.Add(command, "slot", slot);
        SqlDialect.Add(command, "holdout_accuracy", result is not null && !onTest ? result.Accuracy : null);
        SqlDialect.Add(command, "test_accuracy", onTest ? result!.Accuracy : null);
        SqlDialect.Add(command, "wall_seconds", result?.WallSeconds);
        SqlDialect.Add(command, "steps", result?.Steps);
        SqlDialect.Add(command, "finished_at", record.FinishedAt is { } at ? dialect.Timestamp(at) : null);
        SqlDialect.Add(command, "code_version", result?.Versions.GetValueOrDefault("trials"));
        SqlDialect.Add(command, "aftsweep_version", result?.Versions.GetValueOrDefault("aftsweep"));
        SqlDialect.Add(command, "record_schema", record.Schema);
        dialect.AddJson(command, "record", RecordJson.SerializeCompact(record));
        SqlDialect.Add(command, "now", dialect.Timestamp(now));
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
