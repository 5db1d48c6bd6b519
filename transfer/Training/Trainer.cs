using AftSweep.Transfer.Numerics;
using System.Diagnostics;
using System.Globalization;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Regularisers;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>
/// The training loop of methods.md: epochs * batches-per-epoch steps over a fresh seeded shuffle each epoch (no
/// augmentation), cosine learning rates set at each epoch's start, one dispose scope per step, progress every few
/// steps and cancellation between steps. A non-finite loss stops the run with "diverged at step N (loss=...)".
/// Returns the measurements; the caller evaluates the final weights (and, through <c>evaluateEachEpoch</c>, may record
/// a held-out accuracy at each epoch's end).
/// </summary>
public static class Trainer
{
    public static TrainingOutcome Train(
        DownstreamModel model,
        Regulariser? regulariser,
        TrainingSet data,
        TrainingSettings settings,
        IProgress<TrialProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Func<double>? evaluateEachEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (regulariser is not null && data.Teacher is null)
            throw new ArgumentException($"{settings.Label}: a regularised method needs teacher features for the training rows");

        var plan = EpochPlan.Create(data.Rows, settings.BatchSize, settings.Steps);
        var device = data.Labels.device;
        var shuffle = SplitMix64.For(settings.Seed, "epoch-shuffle");
        var curve = new List<EpochPoint>(plan.Epochs);
        var progressEvery = Math.Max(1, settings.ProgressEvery);

        model.train();
        regulariser?.train();
        using var step = new TrainingStep(model, regulariser, settings);
        var clock = Stopwatch.StartNew();
        var global = 0;
        for (var epoch = 0; epoch < plan.Epochs; epoch++)
        {
            step.BeginEpoch(epoch, plan.Epochs);
            using var order = tensor(shuffle.Permutation(plan.Rows), [plan.Rows]).to(device);
            double loss = 0, ce = 0, r = 0, correct = 0;
            for (var batch = 0; batch < plan.BatchesPerEpoch; batch++, global++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = order.narrow(0, (long)batch * plan.BatchSize, plan.BatchRows(batch));
                var x = data.Inputs.Gather(index);
                var y = data.Labels.index_select(0, index);
                var phi = data.Teacher?.Gather(index);
                var stats = step.Run(global, x, y, phi);
                if (!float.IsFinite(stats[0]))
                    throw new TrialFailedException(string.Create(CultureInfo.InvariantCulture,
                        $"{settings.Label}: diverged at step {global + 1} (loss={stats[0]}, ce={stats[1]}, r={stats[2]})"));
                loss += stats[0];
                ce += stats[1];
                r += stats[2];
                correct += stats[3];
                if ((global + 1) % progressEvery == 0 || global + 1 == plan.TotalSteps)
                    progress?.Report(new TrialProgress(global + 1, plan.TotalSteps, stats[0], "train"));
            }
            var n = plan.BatchesPerEpoch;
            // Evaluation runs in eval() under no_grad and restores train(): it changes nothing the next epoch computes.
            curve.Add(new EpochPoint(epoch + 1, loss / n, ce / n, r / n, correct / plan.Rows, evaluateEachEpoch?.Invoke()));
        }
        clock.Stop();
        var last = curve[^1];
        return new TrainingOutcome
        {
            Curve = curve,
            FinalCrossEntropy = last.CrossEntropy,
            FinalRegulariser = last.Regulariser,
            Steps = plan.TotalSteps,
            Epochs = plan.Epochs,
            TrainSeconds = clock.Elapsed.TotalSeconds,
        };
    }
}
