using System.Diagnostics;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Numerics;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training.LinearProbe;

/// <param name="Accuracy">Accuracy of the refit probe on the evaluation rows.</param>
/// <param name="Probe">The L2 choice and the refit's convergence, as recorded in the trial result.</param>
/// <param name="TrainCrossEntropy">Mean cross-entropy (no penalty) of the refit probe on all the training rows.</param>
/// <param name="Seconds">Wall time of every fit (selection and refit) and the evaluation.</param>
public sealed record LinearProbeOutcome(double Accuracy, LinearProbeResult Probe, double TrainCrossEntropy, double Seconds);

/// <summary>
/// The <c>linear-probe</c> method (methods.md): multinomial logistic regression on the raw teacher features, fitted
/// to convergence by L-BFGS, independent of any step budget. The L2 strength is chosen on a holdout of the trial's
/// own training rows (the sweep's holdout fraction and split seed, <see cref="HoldoutSplit"/>): every strength of
/// <see cref="ProbeL2Grid"/> is fitted on the rest and scored on the holdout, the best holdout accuracy wins (ties: the
/// stronger regularisation), and the probe is refitted on all the training rows with it. The evaluation rows are only
/// read after that, to score the refit. Strengths are fitted from the strongest to the weakest, each warm-started from
/// the previous solution (the problem is strictly convex, so this changes the cost, not the answer).
/// </summary>
public static class LinearProbeTrainer
{
    /// <summary>Holdout accuracies closer than this are ties (accuracies are k / n, so exact ties are common).</summary>
    public const double TieTolerance = 1e-12;

    public static LinearProbeOutcome Run(FeatureMatrix train, IReadOnlyList<int> trainLabels, FeatureMatrix eval, IReadOnlyList<int> evalLabels,
        int classes, double holdoutFraction, int splitSeed, Device device, LbfgsSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(eval);
        ArgumentNullException.ThrowIfNull(evalLabels);
        if (eval.Dim != train.Dim)
            throw new ArgumentException($"the evaluation features are {eval.Dim} wide but the training features {train.Dim}");
        settings ??= new LbfgsSettings();
        var clock = Stopwatch.StartNew();

        var split = HoldoutSplit.Create(train.Rows, holdoutFraction, splitSeed);
        var (l2, candidates, warm) = Choose(train, trainLabels, split, classes, device, settings, cancellationToken);

        using var all = new SoftmaxRegression(train, trainLabels, classes, device);
        var refit = all.Fit(l2 * all.MeanSquaredNorm, warm, settings, cancellationToken);
        using var scored = new SoftmaxRegression(eval, evalLabels, classes, device);
        var accuracy = scored.Accuracy(refit.Theta);
        var trainCrossEntropy = all.CrossEntropy(refit.Theta);
        clock.Stop();

        var probe = new LinearProbeResult
        {
            L2 = l2,
            Candidates = candidates,
            HoldoutRows = split.Holdout.Count,
            Iterations = refit.Optimisation.Iterations,
            Converged = refit.Optimisation.Converged,
            GradientMaxAbs = refit.Optimisation.GradientMaxAbs,
            Stop = StopName(refit.Optimisation.Stop),
            FeatureScale = all.MeanSquaredNorm,
        };
        return new LinearProbeOutcome(accuracy, probe, trainCrossEntropy, clock.Elapsed.TotalSeconds);
    }

    public static string StopName(LbfgsStop stop) => stop switch
    {
        LbfgsStop.Gradient => "gradient",
        LbfgsStop.LossChange => "loss-change",
        LbfgsStop.IterationCap => "iteration-cap",
        LbfgsStop.LineSearch => "line-search",
        _ => throw new ArgumentOutOfRangeException(nameof(stop), stop, null),
    };

    private static (double L2, IReadOnlyList<ProbeL2Score> Candidates, double[] Warm) Choose(FeatureMatrix train, IReadOnlyList<int> labels,
        HoldoutSplit split, int classes, Device device, LbfgsSettings settings, CancellationToken cancellationToken)
    {
        using var fit = new SoftmaxRegression(train.SelectRows(split.Train), split.Train.Select(i => labels[i]).ToList(), classes, device);
        using var holdout = new SoftmaxRegression(train.SelectRows(split.Holdout), split.Holdout.Select(i => labels[i]).ToList(), classes, device);

        var scores = new List<(ProbeL2Score Score, double[] Theta)>();
        double[]? warm = null;
        foreach (var l2 in ProbeL2Grid.Values.OrderDescending())
        {
            var result = fit.Fit(l2 * fit.MeanSquaredNorm, warm, settings, cancellationToken);
            warm = result.Theta;
            scores.Add((new ProbeL2Score(l2, holdout.Accuracy(result.Theta), result.Optimisation.Iterations, result.Optimisation.Converged), result.Theta));
        }

        // Strongest first: a later (weaker) strength must be strictly better to win, so ties keep the stronger one.
        var best = scores[0];
        foreach (var candidate in scores.Skip(1))
        {
            if (candidate.Score.HoldoutAccuracy > best.Score.HoldoutAccuracy + TieTolerance) best = candidate;
        }

        return (best.Score.L2, scores.Select(s => s.Score).OrderBy(s => s.L2).ToList(), best.Theta);
    }
}
