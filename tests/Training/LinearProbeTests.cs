using System.Globalization;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Training;
using AftSweep.Transfer.Training.LinearProbe;
using static TorchSharp.torch;

namespace AftSweep.Tests.Training;

/// <summary>The converged linear probe: optimality against independent computations, the L2 choice, determinism.</summary>
public sealed class LinearProbeTests
{
    private static readonly Device Cpu = CPU;

    [Theory]
    [InlineData(0.8, 1e-3)]  // overlapping classes
    [InlineData(12.0, 1e-6)] // linearly separable, barely regularised: the penalty still makes the optimum finite
    public void Fit_GradientOfPenalisedLoss_VanishesByIndependentComputation(double separation, double l2)
    {
        var data = Synthetic.Blobs(150, 5, 3, separation, seed: 7);
        var x = new FeatureMatrix(data.Rows, 5, data.Vectors!.Values);
        using var problem = new SoftmaxRegression(x, data.Labels, 3, Cpu);
        var lambda = l2 * MeanSquaredNorm(x);
        Assert.Equal(lambda, l2 * problem.MeanSquaredNorm, 1e-9);

        var fit = problem.Fit(lambda, null, new LbfgsSettings());

        Assert.True(fit.Optimisation.Converged, $"stopped by {fit.Optimisation.Stop} after {fit.Optimisation.Iterations} iterations");
        var gradient = ReferenceGradient(x, data.Labels, 3, fit.Theta, lambda);
        Assert.True(gradient.Max(Math.Abs) < 1e-5, $"max |gradient| {gradient.Max(Math.Abs)}");
        if (separation > 10) Assert.Equal(1.0, problem.Accuracy(fit.Theta));
    }

    [Fact]
    public void Fit_TwoClasses_MatchesNewtonOnBinaryLogisticRegression()
    {
        // With two classes the softmax optimum has W1 = -W0 = w / 2, so it is binary logistic regression on
        // z = w.x + beta with penalty (lambda / 4) ||w||^2; solved here by Newton's method in plain float64.
        double[][] rows = [[0.2, 1.1], [1.5, -0.3], [-0.7, 0.4], [2.2, 1.9], [0.1, -1.2], [-1.6, -0.5], [0.9, 0.8], [-0.2, 2.1], [1.1, -1.4], [-1.3, 1.2], [0.6, 0.1], [-0.4, -0.9]];
        int[] labels = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1];
        var x = new FeatureMatrix(rows.Length, 2, rows.SelectMany(r => r.Select(v => (float)v)).ToArray());
        const double lambda = 0.05;

        using var problem = new SoftmaxRegression(x, labels, 2, Cpu);
        var fit = problem.Fit(lambda, null, new LbfgsSettings { GradientTolerance = 1e-10 });
        var w = new[] { fit.Theta[2] - fit.Theta[0], fit.Theta[3] - fit.Theta[1] };
        var beta = fit.Theta[5] - fit.Theta[4];

        var reference = NewtonBinary(x, labels, lambda / 2);
        Assert.Equal(reference[0], w[0], 1e-7);
        Assert.Equal(reference[1], w[1], 1e-7);
        Assert.Equal(reference[2], beta, 1e-7);
        // Class 0's and class 1's weights are opposite (the penalty's choice among equivalent parametrisations).
        Assert.Equal(-fit.Theta[0], fit.Theta[2], 1e-7);
    }

    [Fact]
    public void Run_EvaluationRowsChange_ChoiceAndFitDoNot()
    {
        var train = Synthetic.Blobs(200, 6, 3, 2.0, seed: 1);
        var features = new FeatureMatrix(train.Rows, 6, train.Vectors!.Values);
        var test = Synthetic.Blobs(90, 6, 3, 2.0, seed: 2);
        var testFeatures = new FeatureMatrix(test.Rows, 6, test.Vectors!.Values);
        // The same number of evaluation rows, but unrelated features and labels.
        var other = Synthetic.TeacherFeatures(test.Labels.Select(l => (l + 1) % 3).ToArray(), 6, informative: false, seed: 5);

        var real = LinearProbeTrainer.Run(features, train.Labels, testFeatures, test.Labels, 3, 0.1, 42, Cpu);
        var garbage = LinearProbeTrainer.Run(features, train.Labels, other, test.Labels.Select(l => (l + 1) % 3).ToArray(), 3, 0.1, 42, Cpu);

        Assert.Equal(real.Probe.L2, garbage.Probe.L2);
        Assert.Equal(real.Probe.Candidates, garbage.Probe.Candidates);
        Assert.Equal(real.Probe.Iterations, garbage.Probe.Iterations);
        Assert.Equal(real.TrainCrossEntropy, garbage.TrainCrossEntropy);
        Assert.True(real.Accuracy > 0.7, $"accuracy on the real test rows {real.Accuracy}");
        Assert.True(garbage.Accuracy < 0.5, $"accuracy on unrelated rows {garbage.Accuracy}");
    }

    [Fact]
    public void Run_SameInputsTwice_IdenticalResult()
    {
        var train = Synthetic.Blobs(200, 6, 3, 1.0, seed: 1);
        var features = new FeatureMatrix(train.Rows, 6, train.Vectors!.Values);
        var a = LinearProbeTrainer.Run(features, train.Labels, features, train.Labels, 3, 0.1, 42, Cpu);
        var b = LinearProbeTrainer.Run(features, train.Labels, features, train.Labels, 3, 0.1, 42, Cpu);
        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.Equal(a.Probe with { Candidates = [] }, b.Probe with { Candidates = [] });
        Assert.Equal(a.Probe.Candidates, b.Probe.Candidates);
        Assert.Equal(ProbeL2Grid.Values, a.Probe.Candidates.Select(c => c.L2));
        Assert.Equal(HoldoutSplit.HoldoutCount(200, 0.1), a.Probe.HoldoutRows);
        Assert.True(a.Probe.Converged);
    }

    [Fact]
    public void Run_EveryStrengthTies_ChoosesTheStrongest()
    {
        // Identical feature rows: every strength predicts the majority class for every row, so every holdout
        // accuracy is the same and the rule picks the strongest regularisation (an edge of the grid).
        var labels = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var features = new FeatureMatrix(60, 4, Enumerable.Range(0, 240).Select(i => (float)(i % 4 + 1)).ToArray());
        var outcome = LinearProbeTrainer.Run(features, labels, features, labels, 2, 0.1, 42, Cpu);
        Assert.Single(outcome.Probe.Candidates.Select(c => c.HoldoutAccuracy).Distinct());
        Assert.Equal(ProbeL2Grid.Values[^1], outcome.Probe.L2);
        Assert.True(outcome.Probe.AtEdge);
    }

    [Fact]
    public void Run_RealDigitPixels_SignalLearnsNoiseDoesNot()
    {
        var (trainX, trainY) = Digits("digits-train.csv");
        var (testX, testY) = Digits("digits-test.csv");
        var signal = LinearProbeTrainer.Run(trainX, trainY, testX, testY, 10, 0.1, 42, Cpu);

        var noiseTrain = Synthetic.TeacherFeatures(trainY, 64, informative: false, seed: 11);
        var noiseTest = Synthetic.TeacherFeatures(testY, 64, informative: false, seed: 12);
        var noise = LinearProbeTrainer.Run(noiseTrain, trainY, noiseTest, testY, 10, 0.1, 42, Cpu);

        // Pixels with 256 noise features appended: the holdout-chosen penalty keeps most of the accuracy.
        var mixedTrain = FeatureMatrix.Concat([trainX, Synthetic.TeacherFeatures(trainY, 256, informative: false, seed: 13)]);
        var mixedTest = FeatureMatrix.Concat([testX, Synthetic.TeacherFeatures(testY, 256, informative: false, seed: 14)]);
        var mixed = LinearProbeTrainer.Run(mixedTrain, trainY, mixedTest, testY, 10, 0.1, 42, Cpu);

        Assert.True(signal.Accuracy > 0.93, $"pixels: {signal.Accuracy}");
        Assert.True(noise.Accuracy < 0.2, $"noise: {noise.Accuracy}");
        Assert.True(mixed.Accuracy > 0.85, $"pixels + noise: {mixed.Accuracy}");
        Assert.True(signal.Probe.Converged && mixed.Probe.Converged);
        // Noise alone is best fitted with a strong penalty; the pixels want less of one.
        Assert.True(noise.Probe.L2 > signal.Probe.L2, $"noise chose {noise.Probe.L2}, pixels {signal.Probe.L2}");
    }

    private static (FeatureMatrix X, int[] Y) Digits(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "examples", "data", "sklearn_digits", file))
            .Where(l => l.Length > 0).ToList();
        var values = new float[lines.Count * 64];
        var labels = new int[lines.Count];
        for (var r = 0; r < lines.Count; r++)
        {
            var fields = lines[r].Split(',');
            for (var d = 0; d < 64; d++) values[r * 64 + d] = float.Parse(fields[d], CultureInfo.InvariantCulture);
            labels[r] = int.Parse(fields[64], CultureInfo.InvariantCulture);
        }
        return (new FeatureMatrix(lines.Count, 64, values), labels);
    }

    private static double MeanSquaredNorm(FeatureMatrix x) => x.Data.Sum(v => (double)v * v) / x.Rows;

    /// <summary>d/dtheta of mean CE + (lambda / 2) ||W||^2, written out in plain loops (no torch).</summary>
    private static double[] ReferenceGradient(FeatureMatrix x, int[] labels, int classes, double[] theta, double lambda)
    {
        var d = x.Dim;
        var gradient = new double[classes * (d + 1)];
        for (var r = 0; r < x.Rows; r++)
        {
            var logits = new double[classes];
            for (var c = 0; c < classes; c++)
            {
                logits[c] = theta[classes * d + c];
                for (var j = 0; j < d; j++) logits[c] += theta[c * d + j] * x.Data[r * d + j];
            }
            var max = logits.Max();
            var z = logits.Sum(l => Math.Exp(l - max));
            for (var c = 0; c < classes; c++)
            {
                var residual = (Math.Exp(logits[c] - max) / z - (labels[r] == c ? 1 : 0)) / x.Rows;
                for (var j = 0; j < d; j++) gradient[c * d + j] += residual * x.Data[r * d + j];
                gradient[classes * d + c] += residual;
            }
        }
        for (var i = 0; i < classes * d; i++) gradient[i] += lambda * theta[i];
        return gradient;
    }

    /// <summary>Binary logistic regression, mean loss + (penalty / 2) ||w||^2, by Newton's method: [w0, w1, beta].</summary>
    private static double[] NewtonBinary(FeatureMatrix x, int[] labels, double penalty)
    {
        var p = new double[3];
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var g = new double[3];
            var h = new double[3, 3];
            for (var r = 0; r < x.Rows; r++)
            {
                double[] f = [x.Data[2 * r], x.Data[2 * r + 1], 1];
                var z = p[0] * f[0] + p[1] * f[1] + p[2];
                var sigma = 1 / (1 + Math.Exp(-z));
                for (var i = 0; i < 3; i++)
                {
                    g[i] += (sigma - labels[r]) * f[i] / x.Rows;
                    for (var j = 0; j < 3; j++) h[i, j] += sigma * (1 - sigma) * f[i] * f[j] / x.Rows;
                }
            }
            for (var i = 0; i < 2; i++)
            {
                g[i] += penalty * p[i];
                h[i, i] += penalty;
            }
            var step = LbfgsTests.Solve(h, g);
            for (var i = 0; i < 3; i++) p[i] -= step[i];
        }
        return p;
    }
}
