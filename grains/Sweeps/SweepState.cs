using AftSweep.Contracts.Protocol;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// What a sweep persists: its plan, the lambda chosen per cell (stage-2 trials follow from it), and whether it was
/// cancelled. Trial outcomes are not here: they are the records in the record store, read back on activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepState.v1")]
public sealed record SweepState
{
    [Id(0)] public SweepPlan? Plan { get; init; }
    /// <summary>Cell key -> chosen lambda, fixed once decided.</summary>
    [Id(1)] public IReadOnlyDictionary<string, LambdaChoice> Choices { get; init; } = new Dictionary<string, LambdaChoice>();
    [Id(2)] public bool Cancelled { get; init; }
    [Id(3)] public DateTimeOffset? SubmittedAt { get; init; }
}
