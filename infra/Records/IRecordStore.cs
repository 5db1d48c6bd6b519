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

    Task<TrialRecord?> ReadAsync(string sweepId, string trialId, CancellationToken cancellationToken = default);

    /// <summary>True when a record was removed.</summary>
    Task<bool> DeleteAsync(string sweepId, string trialId, CancellationToken cancellationToken = default);

    /// <summary>Every record of the sweep, in trial-id order.</summary>
    IAsyncEnumerable<TrialRecord> ReadAllAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>Human-readable location ("folder /x/records", "blob container aftsweep-records"), never a secret.</summary>
    string Describe();
}
