using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>The answer to a submission.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepSubmission.v1")]
public sealed record SweepSubmission(
    [property: Id(0)] string SweepId,
    [property: Id(1)] bool Created,
    [property: Id(2)] int TotalTrials);

/// <summary>A sweep's overall state. Numbers are persisted: never renumber.</summary>
public enum SweepPhase
{
    NotSubmitted = 0,
    Running = 1,
    /// <summary>Nothing is pending, leased or running any more (some trials may have failed, or be blocked by a failed stage 1: see the counts).</summary>
    Completed = 2,
    Cancelled = 3,
}

/// <summary>
/// Trials per state. <see cref="Blocked"/>: stage-2 trials of a cell whose stage 1 failed entirely; they cannot run
/// (nor count as pending) until a retry of the failed selection trials succeeds.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialCounts.v1")]
public sealed record TrialCounts(
    [property: Id(0)] int Total,
    [property: Id(1)] int Pending,
    [property: Id(2)] int Leased,
    [property: Id(3)] int Running,
    [property: Id(4)] int Succeeded,
    [property: Id(5)] int Failed,
    [property: Id(6)] int Cancelled,
    [property: Id(7)] int Blocked = 0)
{
    public int Finished => Succeeded + Failed + Cancelled;

    /// <summary>Trials that will still run without anyone acting: queued, leased or running.</summary>
    public int Active => Pending + Leased + Running;
}

[GenerateSerializer, Immutable, Alias("aftsweep.SweepStatus.v1")]
public sealed record SweepStatus
{
    [Id(0)] public required string SweepId { get; init; }
    [Id(1)] public required SweepPhase Phase { get; init; }
    [Id(2)] public string Name { get; init; } = "";
    /// <summary>Every trial the sweep will run (stage-2 trials counted before their lambda is chosen).</summary>
    [Id(3)] public required TrialCounts Trials { get; init; }
    [Id(4)] public required TrialCounts Selection { get; init; }
    [Id(5)] public required TrialCounts Final { get; init; }
    [Id(6)] public IReadOnlyList<CellStatus> Cells { get; init; } = [];

    public bool IsDone => Phase is SweepPhase.Completed or SweepPhase.Cancelled;
}

[GenerateSerializer, Immutable, Alias("aftsweep.CellStatus.v1")]
public sealed record CellStatus
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required TrialCounts Selection { get; init; }
    [Id(2)] public required TrialCounts Final { get; init; }
    /// <summary>Set once stage 1 is done (null for methods without a lambda).</summary>
    [Id(3)] public LambdaChoice? Choice { get; init; }
    /// <summary>Stage 1 ended with no successful trial: stage 2 cannot run until a retry succeeds.</summary>
    [Id(4)] public bool SelectionFailed { get; init; }
    [Id(5)] public required CellResult Result { get; init; }
}

/// <summary>Which trials to list; null fields do not filter.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialFilter.v1")]
public sealed record TrialFilter
{
    [Id(0)] public TrialStatus? Status { get; init; }
    [Id(1)] public TrialStage? Stage { get; init; }
    [Id(2)] public string? CellKey { get; init; }

    public static readonly TrialFilter All = new();
}

/// <summary>One line of a trial listing.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialSummary.v1")]
public sealed record TrialSummary
{
    [Id(0)] public required TrialSpec Spec { get; init; }
    [Id(1)] public required TrialStatus Status { get; init; }
    [Id(2)] public int Attempts { get; init; }
    [Id(3)] public string? Worker { get; init; }
    [Id(4)] public TrialProgress? Progress { get; init; }
    [Id(5)] public double? Accuracy { get; init; }
    [Id(6)] public IReadOnlyList<string> Errors { get; init; } = [];
}
