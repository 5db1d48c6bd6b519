using AftSweep.Contracts.Trials;

namespace AftSweep.Transfer.Training;

/// <summary>Runs one trial end to end (load data and features, train, evaluate). Worker slots call it.</summary>
public interface ITrialExecutor
{
    Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>A trial that cannot succeed as specified (bad input, divergence): fails without retries.</summary>
public sealed class TrialFailedException(string reason, bool retryable = false) : Exception(reason)
{
    public bool Retryable { get; } = retryable;
}
