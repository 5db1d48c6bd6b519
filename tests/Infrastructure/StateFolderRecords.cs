using System.Runtime.CompilerServices;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Sqlite;
using Microsoft.Data.Sqlite;

namespace AftSweep.Tests.Infrastructure;

/// <summary>The trial records in a state folder's SQLite database, read the way the silos wrote them.</summary>
public static class StateFolderRecords
{
    public static async IAsyncEnumerable<TrialRecord> ReadAllAsync(string stateFolder, string sweepId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var lease = StateDatabases.Sqlite(stateFolder, flushToDisk: false);
        await foreach (var record in new DatabaseRecordStore(lease.Database).ReadAllAsync(sweepId, cancellationToken)) yield return record;
    }

    public static async Task<List<TrialRecord>> ListAsync(string stateFolder, string sweepId)
    {
        var list = new List<TrialRecord>();
        await foreach (var record in ReadAllAsync(stateFolder, sweepId)) list.Add(record);
        return list;
    }

    public static async Task<bool> DeleteAsync(string stateFolder, string sweepId, string trialId)
    {
        await using var lease = StateDatabases.Sqlite(stateFolder, flushToDisk: false);
        return await new DatabaseRecordStore(lease.Database).DeleteAsync(sweepId, trialId);
    }

    /// <summary>Deletes a trial's record and its trial grain state in one transaction (as if the trial had never run); true when both existed.</summary>
    public static async Task<bool> ForgetTrialAsync(string stateFolder, string sweepId, string trialId)
    {
        await using var lease = StateDatabases.Sqlite(stateFolder, flushToDisk: false);
        return await lease.Database.Writer.WriteAsync($"forget/{trialId}", async context =>
        {
            var record = context.Command("DELETE FROM trial_records WHERE sweep_id = @sweep AND trial_id = @trial");
            record.Parameters.Add(new SqliteParameter("@sweep", sweepId));
            record.Parameters.Add(new SqliteParameter("@trial", trialId));
            var state = context.Command("DELETE FROM grain_state WHERE state_name = 'trial' AND grain_id = @grain");
            state.Parameters.Add(new SqliteParameter("@grain", $"trial/{trialId}"));
            return await record.ExecuteNonQueryAsync() == 1 & await state.ExecuteNonQueryAsync() == 1;
        });
    }

    /// <summary>Records of the sweep now, read-only and cheap (for polling while silos write); 0 before the database exists.</summary>
    public static int Count(string stateFolder, string sweepId) => (int)Scalar(stateFolder, "SELECT COUNT(*) FROM trial_records WHERE sweep_id = @sweep", sweepId);

    /// <summary>How many times the sweep's records were written beyond once each (a trial committed twice shows here).</summary>
    public static int Rewrites(string stateFolder, string sweepId) =>
        (int)Scalar(stateFolder, "SELECT COALESCE(SUM(revision - 1), 0) FROM trial_records WHERE sweep_id = @sweep", sweepId);

    /// <summary>Live grain states of one state name (e.g. "trial"), read-only; 0 before the database exists.</summary>
    public static int GrainStates(string stateFolder, string stateName) =>
        (int)Scalar(stateFolder, "SELECT COUNT(*) FROM grain_state WHERE state_name = @sweep AND payload IS NOT NULL", stateName);

    /// <summary>One number from the state database, read-only (0 before the database exists); the sweep id is @sweep.</summary>
    public static long Query(string stateFolder, string sql, string sweepId) => Scalar(stateFolder, sql, sweepId);

    private static long Scalar(string stateFolder, string sql, string sweepId)
    {
        var file = Path.Combine(stateFolder, SqliteStateDatabase.FileName);
        if (!File.Exists(file)) return 0;
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@sweep", sweepId);
        try
        {
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0; // the first silo is still creating the schema
        }
    }
}
