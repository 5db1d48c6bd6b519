using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>How a leased work item ended on its slot: a result, an error, or a cancellation.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.WorkOutcome.v1")]
public sealed record WorkOutcome
{
    [Id(0)] public TrialResult? Trial { get; init; }
    [Id(1)] public FeatureShardResult? Shard { get; init; }
    /// <summary>The error when the attempt failed.</summary>
    [Id(2)] public string? Error { get; init; }
    /// <summary>False for failures that cannot succeed as specified (no further attempts).</summary>
    [Id(3)] public bool Retryable { get; init; } = true;
    [Id(4)] public bool Cancelled { get; init; }

    public bool Succeeded => Error is null && !Cancelled && (Trial is not null || Shard is not null);

    public static WorkOutcome Success(TrialResult result) => new() { Trial = result };
    public static WorkOutcome Success(FeatureShardResult result) => new() { Shard = result };
    public static WorkOutcome Failure(string error, bool retryable) => new() { Error = error, Retryable = retryable };
    public static WorkOutcome Cancellation() => new() { Cancelled = true };
}
