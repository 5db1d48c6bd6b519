namespace AftSweep.Transfer.Features;

/// <summary>Progress of making one feature set available, reported while shards are read or extracted.</summary>
public sealed record FeatureProgress(
    string SetKey,
    string TeacherSpec,
    string Split,
    long RowsDone,
    long RowsTotal,
    int ShardsDone,
    int ShardsTotal,
    FeaturePhase Phase);

public enum FeaturePhase { Reading = 1, Extracting = 2, Done = 3 }
