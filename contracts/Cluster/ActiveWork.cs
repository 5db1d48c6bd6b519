using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>The dispatcher's view of one queued or leased item (for status listings).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.ActiveWork.v1")]
public sealed record ActiveWork(
    [property: Id(0)] string Key,
    [property: Id(1)] TrialStatus Status,
    [property: Id(2)] string? Worker,
    [property: Id(3)] int Attempt,
    [property: Id(4)] TrialProgress? Progress);
