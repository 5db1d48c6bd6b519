namespace AftSweep.Contracts.Cluster;

/// <summary>One registered sweep: its id, the grid's name and when it was first submitted.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepRegistration.v1")]
public sealed record SweepRegistration(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset SubmittedAt);
