using System.Globalization;
using System.Text.Json;
using AftSweep.Infra.Json;
using AftSweep.Infra.Records;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace AftSweep.Infra.Database;

/// <summary>
/// Orleans grain state in the state database's grain_state table, one row per (state name, grain), the state as JSON.
/// The ETag is the row's version column: a write must name the version it read and increments it, so a second
/// activation of a grain (or a stale write after a lost reply) is refused with <see cref="InconsistentStateException"/>
/// instead of overwriting newer state. Writes are group-committed (<see cref="GroupCommitWriter"/>) and acknowledged
/// only once committed. Record changes enlisted by <see cref="RecordsWithState"/> commit in the write's transaction.
/// </summary>
public sealed partial class DatabaseGrainStorage(string name, StateDatabase database, ILogger<DatabaseGrainStorage> logger) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await GrainStateRows.ReadAsync(database, stateName, grainId.ToString(), CancellationToken.None).ConfigureAwait(false);
        if (row is not { } found)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        T? state;
        try
        {
            state = JsonSerializer.Deserialize<T>(found.Payload, StoreJson.Compact);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"grain storage '{name}': state '{stateName}' of {grainId} (version {found.Version}) in {database.Describe()} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
        grainState.State = state ?? grainState.State;
        grainState.ETag = EtagOf(found.Version);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Taken before the first await: the enlistment belongs to this call (see RecordsWithState).
        var records = RecordsWithState.Take() is { IsEmpty: false } changes ? TrialRecordRows.Prepare(changes) : null;
        var id = grainId.ToString();
        var expected = VersionOf(grainState.ETag, stateName, grainId);
        var payload = JsonSerializer.Serialize(grainState.State, StoreJson.Compact);
        var type = typeof(T).FullName ?? typeof(T).Name;
        var write = new StateWrite(stateName, id, type, expected, payload, records);
        // One statement where the database can (PostgreSQL: pipelined with the rest of the batch), else the statements in turn.
        var outcome = database.Dialect.StateWriteStatement(write) is { } statement
            ? await database.Writer.WriteAsync($"{stateName}/{id}", statement, ReadOutcomeAsync).ConfigureAwait(false)
            : await database.Writer.WriteAsync($"{stateName}/{id}", async context =>
            {
                var version = await GrainStateRows.WriteAsync(context, stateName, id, type, expected, payload).ConfigureAwait(false);
                if (version is null) return new Outcome(null, await GrainStateRows.LiveVersionAsync(context, stateName, id).ConfigureAwait(false));
                if (records is not null) await TrialRecordRows.ApplyAsync(context, records).ConfigureAwait(false);
                return new Outcome(version, version);
            }).ConfigureAwait(false);
        if (outcome.Written is not { } written) throw Stale(stateName, grainId, grainState.ETag, outcome.Live);
        grainState.ETag = EtagOf(written);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        var expected = VersionOf(grainState.ETag, stateName, grainId);
        var outcome = await database.Writer.WriteAsync($"{stateName}/{id}", async context =>
        {
            if (expected is { } version)
            {
                var cleared = await GrainStateRows.ClearAsync(context, stateName, id, version).ConfigureAwait(false);
                return cleared is null ? new Outcome(null, await GrainStateRows.LiveVersionAsync(context, stateName, id).ConfigureAwait(false)) : new Outcome(cleared, null);
            }
            // Nothing was read: there is nothing to clear, unless another activation wrote a state meanwhile.
            var live = await GrainStateRows.LiveVersionAsync(context, stateName, id).ConfigureAwait(false);
            return live is null ? new Outcome(0, null) : new Outcome(null, live);
        }).ConfigureAwait(false);
        if (outcome.Written is null) throw Stale(stateName, grainId, grainState.ETag, outcome.Live);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The one row a state write statement returns: the new version (NULL: refused) and the live one.</summary>
    private static async ValueTask<Outcome> ReadOutcomeAsync(System.Data.Common.DbDataReader reader)
    {
        if (!await reader.ReadAsync().ConfigureAwait(false)) throw new InvalidOperationException("a grain state write returned no row");
        return new Outcome(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    private InconsistentStateException Stale(string stateName, GrainId grainId, string? etag, long? live)
    {
        var current = live is { } v ? EtagOf(v) : "none";
        LogStale(logger, name, stateName, grainId.ToString(), etag ?? "none", current);
        return new InconsistentStateException(
            $"grain storage '{name}': state '{stateName}' of {grainId} is at version {current}, the write expected {etag ?? "none"} (another activation wrote it)",
            current, etag ?? "none");
    }

    private long? VersionOf(string? etag, string stateName, GrainId grainId) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : throw new InconsistentStateException($"grain storage '{name}': state '{stateName}' of {grainId} has ETag '{etag}', which is not a version this storage wrote", "?", etag);

    private static string EtagOf(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The new version when written (or cleared), else null and the live version.</summary>
    private readonly record struct Outcome(long? Written, long? Live);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Storage}: refused a write of state {StateName} of {GrainId} expecting version {Expected}; it is at {Current}")]
    private static partial void LogStale(ILogger logger, string storage, string stateName, string grainId, string expected, string current);
}
