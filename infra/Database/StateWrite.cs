namespace AftSweep.Infra.Database;

/// <summary>One grain state write: the state as JSON, the version it expects (null: none), and the records that go with it.</summary>
public sealed record StateWrite(string StateName, string GrainId, string GrainType, long? Expected, string Payload, PreparedRecordChanges? Records);
