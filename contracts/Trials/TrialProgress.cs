namespace AftSweep.Contracts.Trials;

/// <summary>A heartbeat's payload: how far a running trial is.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialProgress.v1")]
public sealed record TrialProgress(
    [property: Id(0)] int Step,
    [property: Id(1)] int TotalSteps,
    [property: Id(2)] double Loss,
    [property: Id(3)] string Phase);
