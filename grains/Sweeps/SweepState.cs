using AftSweep.Contracts.Protocol;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// What a sweep persists besides its plan (<see cref="SweepPlanState"/>): the lambda chosen per cell (stage-2 trials follow from it), and whether it was
/// cancelled. Trial outcomes are not here: they are the records in the record store, read back on activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepState.v1")]
public sealed record SweepState
{
    /// <summary>Sweeps persisted before the plan got its own state; moved to <see cref="SweepPlanState"/> on activation.</summary>
    [Id(0)] public SweepPlan? Plan { get; init; }
    /// <summary>Cell key -> chosen lambda, fixed once decided.</summary>
    [Id(1)] public IReadOnlyDictionary<string, LambdaChoice> Choices { get; init; } = new Dictionary<string, LambdaChoice>();
    [Id(2)] public bool Cancelled { get; init; }
    [Id(3)] public DateTimeOffset? SubmittedAt { get; init; }
}

/// <summary>A sweep's plan, written once at submission (it holds every trial spec, so it is kept apart from the state that changes).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepPlanState.v1")]
public sealed record SweepPlanState
{
    [Id(0)] public SweepPlan? Plan { get; init; }
}
