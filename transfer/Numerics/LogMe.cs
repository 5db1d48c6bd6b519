using static TorchSharp.torch;

// Numerics, not Math: a namespace AftSweep.Transfer.Math would shadow System.Math for every type under AftSweep.Transfer.
namespace AftSweep.Transfer.Numerics;

/// <summary>
/// LogME (You et al.), the fixed-point version the B-Tuning reference uses, exactly as methods.md writes it: float64,
/// thin SVD of F (or the eigendecomposition of F^T F when N > D, keeping singular values above 1e-10), at most 11
/// iterations per class, tolerance 1e-3, m_c with the t of the last iteration's start.
/// </summary>
public static class LogMe
{
    private const int MaxIterations = 11;
    private const double Tolerance = 1e-3;
    private const double Epsilon = 1e-5;
    private const double RankThreshold = 1e-10;

    public static LogMeResult Compute(FeatureMatrix features, IReadOnlyList<int> labels, int numClasses)
    {
        using var scope = NewDisposeScope();
        var f = tensor(features.Data, [features.Rows, features.Dim]).to(ScalarType.Float64);
        return Compute(f, labels, numClasses);
    }

    /// <param name="features">(N, D), any dtype (computed in float64 on the CPU).</param>
    public static LogMeResult Compute(Tensor features, IReadOnlyList<int> labels, int numClasses)
    {
        if (features.dim() != 2) throw new ArgumentException($"LogME: features must be 2-D (N, D), got {features.dim()}-D");
        var n = (int)features.shape[0];
        var d = (int)features.shape[1];
        if (n == 0 || d == 0) throw new ArgumentException($"LogME: empty features [{n}, {d}]");
        if (labels.Count != n) throw new ArgumentException($"LogME: {labels.Count} labels for {n} feature rows");
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "LogME needs at least one class");
        for (var i = 0; i < n; i++)
            if (labels[i] < 0 || labels[i] >= numClasses)
                throw new ArgumentException($"LogME: label {labels[i]} at row {i} is outside [0, {numClasses})");

        using var scope = NewDisposeScope();
        var f = features.to(ScalarType.Float64).cpu();
        var y = zeros(n, numClasses, ScalarType.Float64);                          // one-hot (N, C)
        using (no_grad())
        {
            var rows = tensor(Enumerable.Range(0, n).Select(i => (long)i).ToArray());
            var cols = tensor(labels.Select(l => (long)l).ToArray());
            y.index_put_(1.0, rows, cols);
        }

        var (s, x, v) = Decompose(f, y, n, d);      // s (k), x = U^T y (k, C), v (D, k)
        var sv = s.data<double>().ToArray();
        var xs = x.data<double>().ToArray();        // row-major (k, C)
        var k = sv.Length;
        var ySq = y.square().sum(0L).data<double>().ToArray();     // ||y_c||^2; 0L, as a bare 0 binds to sum(ScalarType)

        var evidence = new double[numClasses];
        var mkData = new double[k * numClasses];
        for (var c = 0; c < numClasses; c++)
        {
            var xc = new double[k];
            for (var j = 0; j < k; j++) xc[j] = xs[j * numClasses + c];
            var (ev, weights) = EachEvidence(sv, xc, ySq[c], n, d);
            evidence[c] = ev;
            for (var j = 0; j < k; j++) mkData[j * numClasses + c] = weights[j];
        }
        var mk = tensor(mkData, [k, numClasses]);                                 // s * x / (t + sigma), per class
        var mu = v.mm(mk).t().contiguous();                                       // (C, D)
        return new LogMeResult(evidence.Average(), numClasses, d, mu.data<double>().ToArray());
    }

    /// <summary>Singular values s (k), x = U^T Y (k, C) and V (D, k).</summary>
    private static (Tensor S, Tensor X, Tensor V) Decompose(Tensor f, Tensor y, int n, int d)
    {
        if (n > d)
        {
            // F^T F is D x D: cheaper than an SVD of the tall F. U = F V / s for the kept directions.
            var (eigenvalues, eigenvectors) = linalg.eigh(f.t().mm(f));
            // |lambda| as an SVD of the symmetric F^T F would give, so round-off negatives behave as in the reference.
            var s = eigenvalues.abs().sqrt();
            var keep = nonzero(s > RankThreshold).flatten();
            s = s.index_select(0, keep);
            var v = eigenvectors.index_select(1, keep);                            // (D, k)
            var x = v.t().mm(f.t().mm(y)) / s.unsqueeze(1);                        // U^T y = (F V / s)^T y
            return (s, x, v);
        }
        var (u, sAll, vh) = linalg.svd(f, fullMatrices: false);
        return (sAll, u.t().mm(y), vh.t());
    }

    /// <summary>The evidence of one class and the weights s * x / (t + sigma) whose image under V is m_c.</summary>
    private static (double Evidence, double[] Weights) EachEvidence(double[] s, double[] x, double ySquared, int n, int d)
    {
        var k = s.Length;
        var sigma = new double[k];
        var x2 = new double[k];
        double sumX2 = 0;
        for (var j = 0; j < k; j++)
        {
            sigma[j] = s[j] * s[j];
            x2[j] = x[j] * x[j];
            sumX2 += x2[j];
        }
        var residual = ySquared - sumX2;

        double alpha = 1, beta = 1, t = 1, m2 = 0, res2 = 0;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            t = alpha / beta;
            double gamma = 0;
            m2 = 0;
            res2 = residual;
            for (var j = 0; j < k; j++)
            {
                gamma += sigma[j] / (sigma[j] + t);
                m2 += sigma[j] * x2[j] / ((t + sigma[j]) * (t + sigma[j]));
                var shrink = 1 + sigma[j] / t;
                res2 += x2[j] / (shrink * shrink);
            }
            alpha = gamma / (m2 + Epsilon);
            beta = (n - gamma) / (res2 + Epsilon);
            if (System.Math.Abs(alpha / beta - t) / t <= Tolerance) break;
        }

        double logDet = 0;
        for (var j = 0; j < k; j++) logDet += System.Math.Log(alpha + beta * sigma[j]);
        var evidence = (d / 2.0 * System.Math.Log(alpha) + n / 2.0 * System.Math.Log(beta) - 0.5 * logDet
                        - beta / 2.0 * res2 - alpha / 2.0 * m2 - n / 2.0 * System.Math.Log(2 * System.Math.PI)) / n;
        var weights = new double[k];
        for (var j = 0; j < k; j++) weights[j] = s[j] * x[j] / (t + sigma[j]);
        return (evidence, weights);
    }
}
