using AftSweep.Transfer.Numerics;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training.LinearProbe;

/// <summary>A fitted softmax regression: parameters theta = [W (C x D, row-major), b (C)] and how the fit ended.</summary>
public sealed record SoftmaxFit(double[] Theta, double Lambda, LbfgsResult Optimisation);

/// <summary>
/// Multinomial logistic regression on fixed feature rows, the objective of the linear probe:
/// <code>J(W, b) = mean_i CE(W x_i + b, y_i) + (lambda / 2) * ||W||_F^2</code>
/// with the bias unpenalised, minimised in float64 by <see cref="Lbfgs"/> from W = 0, b = 0 (or a warm start).
/// The objective is strictly convex in W, so the solution does not depend on the start or the trial seed. Values and
/// gradients are computed with torch (float64 matmuls) on the given device; the optimiser works on the CPU.
/// </summary>
public sealed class SoftmaxRegression : IDisposable
{
    private readonly Tensor _x;      // (N, D) float64
    private readonly Tensor _y;      // (N) int64
    private readonly Tensor _onehot; // (N, C) float64

    /// <param name="features">The rows to fit (or score).</param>
    /// <param name="labels">One label in [0, classes) per row.</param>
    public SoftmaxRegression(FeatureMatrix features, IReadOnlyList<int> labels, int classes, Device device)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(device);
        if (labels.Count != features.Rows) throw new ArgumentException($"{labels.Count} labels for {features.Rows} feature rows");
        if (features.Rows == 0) throw new ArgumentException("no rows to fit");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "a classifier needs at least 2 classes");
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentException($"row {i} has label {labels[i]}, expected 0..{classes - 1}");
        }

        Rows = features.Rows;
        Dim = features.Dim;
        Classes = classes;
        using var scope = NewDisposeScope();
        _x = tensor(features.Data, [features.Rows, features.Dim]).to(ScalarType.Float64).to(device).MoveToOuterDisposeScope();
        _y = tensor(labels.Select(l => (long)l).ToArray(), [labels.Count]).to(device).MoveToOuterDisposeScope();
        _onehot = nn.functional.one_hot(_y, classes).to(ScalarType.Float64).MoveToOuterDisposeScope();
        double sumSquares;
        using (var norms = _x.pow(2).sum())
            sumSquares = norms.item<double>();
        MeanSquaredNorm = sumSquares / Rows;
    }

    public int Rows { get; }
    public int Dim { get; }
    public int Classes { get; }
    public int ParameterCount => Classes * (Dim + 1);
    /// <summary>Mean over rows of ||x_i||^2: the scale the probe's relative L2 strengths are multiplied by.</summary>
    public double MeanSquaredNorm { get; }

    /// <summary>J(theta) with penalty <paramref name="lambda"/>; writes dJ/dtheta into <paramref name="gradient"/>.</summary>
    public double Evaluate(double[] theta, double[] gradient, double lambda)
    {
        CheckTheta(theta);
        if (gradient.Length != theta.Length) throw new ArgumentException($"gradient has {gradient.Length} entries, theta {theta.Length}");
        using var scope = NewDisposeScope();
        var (w, b) = Parameters(theta);
        var logits = _x.matmul(w.t()) + b;                          // (N, C)
        var lse = logits.logsumexp(1, keepdim: true);               // (N, 1)
        var ce = (lse - logits.gather(1, _y.unsqueeze(1))).mean();
        var penalty = w.pow(2).sum() * (lambda / 2);
        var residual = ((logits - lse).exp() - _onehot) / Rows;     // (N, C): (softmax - onehot) / N
        var gradW = residual.t().matmul(_x) + w * lambda;           // (C, D)
        var gradB = residual.sum(dim: 0);                           // (C)
        cat([gradW.flatten(), gradB]).cpu().data<double>().CopyTo(gradient);
        return (ce + penalty).item<double>();
    }

    /// <summary>Minimises J with penalty <paramref name="lambda"/>, from <paramref name="start"/> (zeros when null).</summary>
    public SoftmaxFit Fit(double lambda, double[]? start, LbfgsSettings settings, CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(lambda) || lambda < 0) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "must be a finite non-negative number");
        var initial = start ?? new double[ParameterCount];
        CheckTheta(initial);
        var result = Lbfgs.Minimize((theta, gradient) => Evaluate(theta, gradient, lambda), initial, settings, cancellationToken);
        return new SoftmaxFit(result.X, lambda, result);
    }

    /// <summary>Mean cross-entropy (no penalty) of <paramref name="theta"/> on these rows.</summary>
    public double CrossEntropy(double[] theta) => Evaluate(theta, new double[theta.Length], 0);

    /// <summary>Fraction of these rows whose highest logit (first on ties) is the label.</summary>
    public double Accuracy(double[] theta)
    {
        CheckTheta(theta);
        using var scope = NewDisposeScope();
        var (w, b) = Parameters(theta);
        var predicted = (_x.matmul(w.t()) + b).argmax(1);
        return predicted.eq(_y).sum().item<long>() / (double)Rows;
    }

    private (Tensor W, Tensor B) Parameters(double[] theta)
    {
        var all = tensor(theta, [theta.Length]).to(_x.device);
        var w = all.narrow(0, 0, (long)Classes * Dim).view(Classes, Dim);
        var b = all.narrow(0, (long)Classes * Dim, Classes);
        return (w, b);
    }

    private void CheckTheta(double[] theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        if (theta.Length != ParameterCount)
            throw new ArgumentException($"theta has {theta.Length} entries; {Classes} classes x ({Dim} features + bias) need {ParameterCount}");
    }

    public void Dispose()
    {
        _x.Dispose();
        _y.Dispose();
        _onehot.Dispose();
    }
}
