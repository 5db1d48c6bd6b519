using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Training;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>A trial that trains nothing: what is left to measure is the scheduling path around it.</summary>
public sealed class NoOpExecutor : ITrialExecutor
{
    public Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new TrialProgress(1, 1, 0, "noop"));
        return Task.FromResult(new TrialResult
        {
            // Deterministic and lambda-dependent, so lambda selection has something to choose.
            Accuracy = 0.5 + 0.01 * ((spec.Lambda ?? 0) % 7),
            EvaluatedOn = "holdout",
            FinalCrossEntropy = 0,
            FinalRegulariser = 0,
            WallSeconds = 0,
            StepsPerSecond = 0,
            Steps = 0,
            Epochs = 0,
            Device = "cpu",
        });
    }
}
