using AftSweep.Contracts.Trials;

namespace AftSweep.Infra.Records;

/// <summary>What one trial transition does to the records: records written (or replaced) and records removed.</summary>
public sealed record RecordChanges
{
    public IReadOnlyList<TrialRecord> Upserts { get; init; } = [];

    /// <summary>(sweep id, trial id) of records to remove (a failed trial retried).</summary>
    public IReadOnlyList<RecordKey> Deletes { get; init; } = [];

    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0;

    public static RecordChanges Write(IReadOnlyList<TrialRecord> records) => new() { Upserts = records };

    public static RecordChanges Delete(IEnumerable<string> sweepIds, string trialId) =>
        new() { Deletes = sweepIds.Select(s => new RecordKey(s, trialId)).ToList() };
}

/// <summary>A record's identity: one record per (sweep, trial).</summary>
public readonly record struct RecordKey(string SweepId, string TrialId);
