namespace AftSweep.Contracts.Trials;

/// <summary>
/// The versioned JSON record written to the store for every committed trial (and kept for failed ones):
/// enough to rebuild every table and plot without the cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialRecord.v1")]
public sealed record TrialRecord
{
    /// <summary>2 added <c>result.probe</c> (linear-probe trials); schema-1 records are still read (no probe).</summary>
    public const int CurrentSchema = 2;

    [Id(0)] public int Schema { get; init; } = CurrentSchema;
    [Id(1)] public required string SweepId { get; init; }
    [Id(2)] public required TrialSpec Spec { get; init; }
    [Id(3)] public required TrialStatus Status { get; init; }
    [Id(4)] public TrialResult? Result { get; init; }
    /// <summary>One entry per failed attempt, oldest first.</summary>
    [Id(5)] public IReadOnlyList<string> Errors { get; init; } = [];
    [Id(6)] public int Attempts { get; init; }
    /// <summary>Where it ran ("silo/slot").</summary>
    [Id(7)] public string? Worker { get; init; }
    [Id(8)] public DateTimeOffset? FinishedAt { get; init; }
}
