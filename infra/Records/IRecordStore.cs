using AftSweep.Contracts.Trials;

namespace AftSweep.Infra.Records;

/// <summary>
/// The trial records of every sweep: one versioned JSON document per (sweep, trial), written whole. A sweep's
/// tables can be rebuilt from <see cref="ReadAllAsync"/> alone (Contracts.Protocol.SweepTables.FromRecords).
/// </summary>
public interface IRecordStore
{
    /// <summary>Writes (or replaces) the record of <see cref="TrialRecord.SweepId"/> / the trial; durable when the task completes.</summary>
    Task WriteAsync(TrialRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a trial's record changes together with its grain state write (<paramref name="writeState"/>, the grain's
    /// <c>IPersistentState.WriteStateAsync</c>). A database store commits both in one transaction: both or neither. A
    /// store that cannot (Azure Blob) applies the records first and then the state, so a crash in between leaves a
    /// record whose trial state lags behind it, which the trial grain adopts on its next activation.
    /// </summary>
    Task WriteWithStateAsync(RecordChanges changes, Func<Task> writeState);

    Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default);

    /// <summary>True when a record was removed.</summary>
    Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default);

    /// <summary>Every record of the sweep, in trial-id order.</summary>
    IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Tells the store a sweep's grid name and size, so stores with a typed records table can fill its grid-name column
    /// (records carry the sweep id only). Idempotent; stores without such a table ignore it.
    /// </summary>
    Task RegisterSweepAsync(SweepEntry sweep, CancellationToken cancellationToken = default);

    /// <summary>Human-readable location ("SQLite /x/aftsweep.db", "blob container aftsweep-records"), never a secret.</summary>
    string Describe();
}

/// <summary>A sweep as the record store knows it.</summary>
public sealed record SweepEntry(string SweepId, string GridName, string Dataset, int Trials, DateTimeOffset SubmittedAt);
