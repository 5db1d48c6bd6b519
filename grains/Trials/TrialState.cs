using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Trials;

/// <summary>The persisted state of a <see cref="TrialGrain"/>. Running is not persisted: after a restart it reads as Leased.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialState.v1")]
public sealed record TrialState
{
    [Id(0)] public TrialSpec? Spec { get; init; }
    [Id(1)] public IReadOnlyList<string> SweepIds { get; init; } = [];
    [Id(2)] public TrialStatus Status { get; init; } = TrialStatus.Pending;
    /// <summary>Attempts since the last retry: what <c>MaxAttempts</c> limits.</summary>
    [Id(3)] public int Attempts { get; init; }
    [Id(4)] public int TotalAttempts { get; init; }
    /// <summary>The fencing token of the latest lease; never decreases.</summary>
    [Id(5)] public long Token { get; init; }
    [Id(6)] public IReadOnlyList<string> Errors { get; init; } = [];
    [Id(7)] public TrialResult? Result { get; init; }
    [Id(8)] public string? Worker { get; init; }
    [Id(9)] public DateTimeOffset? FinishedAt { get; init; }

    public bool IsFinished => Status is TrialStatus.Succeeded or TrialStatus.Failed;
}
