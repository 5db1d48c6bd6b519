using System.Collections.Concurrent;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Training;

namespace AftSweep.Tests.ClusterCli;

/// <summary>
/// Trials behave by dataset name, so each test's sweep is scripted on its own: datasets in <see cref="Failing"/> fail
/// at once (not retryable), datasets in <see cref="Blocked"/> run until released, <see cref="Slow"/> ones take longer; the rest succeed. Counts executions.
/// </summary>
public sealed class ControlledExecutor : ITrialExecutor
{
    private readonly ConcurrentDictionary<string, int> _executions = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, string> Failing { get; } = new();
    public ConcurrentDictionary<string, bool> Blocked { get; } = new();
    /// <summary>Datasets whose trials take this long (so a watcher sees the sweep move).</summary>
    public ConcurrentDictionary<string, TimeSpan> Slow { get; } = new();

    public int Executions(string trialId) => _executions.GetValueOrDefault(trialId);

    public void ReleaseBlocked() => _release.TrySetResult();

    public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
    {
        _executions.AddOrUpdate(spec.Id, 1, (_, n) => n + 1);
        progress?.Report(new TrialProgress(1, 2, 0.7, "train"));
        if (Blocked.ContainsKey(spec.Dataset.Name)) await _release.Task.WaitAsync(cancellationToken);
        else await Task.Delay(Slow.GetValueOrDefault(spec.Dataset.Name, TimeSpan.FromMilliseconds(10)), cancellationToken);
        if (Failing.TryGetValue(spec.Dataset.Name, out var reason) && spec.Method.NameOf() == "kd") throw new TrialFailedException(reason);
        // Accuracy varies with lambda and seed so lambda selection and the table have something to show.
        var accuracy = 0.6 + 0.01 * (spec.Lambda ?? 0) + 0.001 * spec.Seed;
        return new TrialResult
        {
            Accuracy = accuracy,
            EvaluatedOn = spec.Stage == TrialStage.Selection ? "holdout" : "test",
            FinalCrossEntropy = 0.3,
            FinalRegulariser = 0,
            WallSeconds = 0.01,
            StepsPerSecond = 100,
            Steps = spec.Training.Steps,
            Epochs = 1,
            Device = "cpu",
            // Two epochs so `plot --kind learning-curves` has a curve to draw.
            Curve = [new EpochPoint(1, 0.9, 0.9, 0, accuracy - 0.1), new EpochPoint(2, 0.5, 0.5, 0, accuracy)],
        };
    }
}
