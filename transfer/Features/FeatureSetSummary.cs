namespace AftSweep.Transfer.Features;

/// <summary>One line of `aftsweep features ls`: a set found in the store, or a problem found instead.</summary>
public sealed record FeatureSetSummary(
    string Key,
    string Status,
    string? TeacherSpec,
    string? Dataset,
    string? Split,
    int Rows,
    int Dim,
    int Shards,
    int ShardsTotal,
    long Bytes,
    DateTimeOffset? CreatedUtc,
    string? Problem);
