using System.Data.Common;
using System.Globalization;

namespace AftSweep.Infra.Database;

/// <summary>The grain_state table: reads, and writes checked against the version (the ETag) the writer read.</summary>
public static class GrainStateRows
{
    /// <summary>The live version and JSON of a state; null when it was never written or was cleared.</summary>
    public static async Task<(long Version, string Payload)?> ReadAsync(StateDatabase database, string stateName, string grainId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = StateSql.ReadState;
        SqlDialect.Add(command, "state_name", stateName);
        SqlDialect.Add(command, "grain_id", grainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(1)) return null;
        return (reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>Writes the state if <paramref name="expected"/> (null: none) is its live version; the new version, or null when it is not.</summary>
    public static async ValueTask<long?> WriteAsync(WriteContext context, string stateName, string grainId, string grainType, long? expected, string payload)
    {
        var command = context.Command(expected is null ? StateSql.InsertState : StateSql.UpdateState);
        SqlDialect.Add(command, "state_name", stateName);
        SqlDialect.Add(command, "grain_id", grainId);
        SqlDialect.Add(command, "grain_type", grainType);
        SqlDialect.Add(command, "payload", payload);
        SqlDialect.Add(command, "now", context.Dialect.Timestamp(context.Now));
        if (expected is { } version) SqlDialect.Add(command, "expected", version);
        return await ScalarVersionAsync(command).ConfigureAwait(false);
    }

    /// <summary>Clears the state if <paramref name="expected"/> is its live version; the new version, or null when it is not.</summary>
    public static async ValueTask<long?> ClearAsync(WriteContext context, string stateName, string grainId, long expected)
    {
        var command = context.Command(StateSql.ClearState);
        SqlDialect.Add(command, "state_name", stateName);
        SqlDialect.Add(command, "grain_id", grainId);
        SqlDialect.Add(command, "now", context.Dialect.Timestamp(context.Now));
        SqlDialect.Add(command, "expected", expected);
        return await ScalarVersionAsync(command).ConfigureAwait(false);
    }

    /// <summary>The live version inside the write's transaction (null: none), for the message of a refused write.</summary>
    public static async ValueTask<long?> LiveVersionAsync(WriteContext context, string stateName, string grainId)
    {
        var command = context.Command(StateSql.ReadState);
        SqlDialect.Add(command, "state_name", stateName);
        SqlDialect.Add(command, "grain_id", grainId);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false) || reader.IsDBNull(1)) return null;
        return reader.GetInt64(0);
    }

    private static async ValueTask<long?> ScalarVersionAsync(DbCommand command)
    {
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
