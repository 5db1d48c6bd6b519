using System.Collections.Concurrent;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Training;

namespace AftSweep.Tests.Cluster.Support;

/// <summary>
/// A trial executor whose behaviour the test scripts: how long a trial takes, what accuracy it reports, whether it
/// throws. Counts every execution per trial and tracks what is in flight on each silo.
/// </summary>
public sealed class ScriptedExecutor
{
    private readonly ConcurrentDictionary<string, int> _executions = new();
    private readonly ConcurrentDictionary<int, int> _inFlight = new();

    public TimeSpan Duration { get; set; } = TimeSpan.FromMilliseconds(20);
    /// <summary>Accuracy of a trial (default: 0.5).</summary>
    public Func<TrialSpec, double> Accuracy { get; set; } = _ => 0.5;
    /// <summary>Return an exception to throw for this trial, or null to succeed.</summary>
    public Func<TrialSpec, Exception?> Failure { get; set; } = _ => null;

    public int Executions(string trialId) => _executions.GetValueOrDefault(trialId);
    public int TotalExecutions => _executions.Values.Sum();
    public IReadOnlyDictionary<string, int> AllExecutions => _executions;
    public int InFlight(int silo) => _inFlight.GetValueOrDefault(silo);

    public ITrialExecutor ForSilo(int silo) => new SiloExecutor(this, silo);

    private sealed class SiloExecutor(ScriptedExecutor owner, int silo) : ITrialExecutor
    {
        public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
        {
            owner._executions.AddOrUpdate(spec.Id, 1, (_, n) => n + 1);
            owner._inFlight.AddOrUpdate(silo, 1, (_, n) => n + 1);
            try
            {
                progress?.Report(new TrialProgress(1, 2, 0.7, "train"));
                await Task.Delay(owner.Duration, cancellationToken);
                if (owner.Failure(spec) is { } error) throw error;
                return new TrialResult
                {
                    Accuracy = owner.Accuracy(spec),
                    EvaluatedOn = spec.Stage == TrialStage.Selection ? "holdout" : "test",
                    FinalCrossEntropy = 0.3,
                    FinalRegulariser = 0,
                    WallSeconds = owner.Duration.TotalSeconds,
                    StepsPerSecond = 100,
                    Steps = spec.Training.Steps,
                    Epochs = 1,
                    Device = "cpu",
                };
            }
            finally
            {
                owner._inFlight.AddOrUpdate(silo, 0, (_, n) => n - 1);
            }
        }
    }
}
