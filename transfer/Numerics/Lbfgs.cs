namespace AftSweep.Transfer.Numerics;

/// <summary>Why <see cref="Lbfgs.Minimize"/> stopped.</summary>
public enum LbfgsStop
{
    /// <summary>max |gradient| fell to the gradient tolerance: converged.</summary>
    Gradient = 1,
    /// <summary>The objective's relative change over one iteration fell to the loss tolerance: converged.</summary>
    LossChange = 2,
    /// <summary>The iteration cap was reached first: not converged.</summary>
    IterationCap = 3,
    /// <summary>No step along the search direction decreased the objective enough: not converged.</summary>
    LineSearch = 4,
}

/// <param name="X">The minimiser found.</param>
/// <param name="Value">Objective at <paramref name="X"/>.</param>
/// <param name="GradientMaxAbs">max |gradient| at <paramref name="X"/>.</param>
/// <param name="Iterations">Accepted L-BFGS iterations.</param>
/// <param name="Evaluations">Objective and gradient evaluations (line-search trials included).</param>
public sealed record LbfgsResult(double[] X, double Value, double GradientMaxAbs, int Iterations, int Evaluations, LbfgsStop Stop)
{
    public bool Converged => Stop is LbfgsStop.Gradient or LbfgsStop.LossChange;
}

/// <summary>
/// Settings of <see cref="Lbfgs"/>. The defaults are what the linear probe uses: a gradient tolerance of 1e-6 on
/// max |gradient| (the convergence the caller asks for), a relative loss change of 1e-12 per iteration (the float64
/// floor of a mean over thousands of rows: nothing more to gain), 1,000 iterations, 10 correction pairs.
/// </summary>
public sealed record LbfgsSettings
{
    public double GradientTolerance { get; init; } = 1e-6;
    public double LossChangeTolerance { get; init; } = 1e-12;
    public int MaxIterations { get; init; } = 1000;
    public int History { get; init; } = 10;
}

/// <summary>
/// Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", 2nd ed., Algorithms 7.4 and 7.5) in float64
/// with a backtracking Armijo line search (c1 = 1e-4, halving, at most 50 trials) that starts from the unit step.
/// Meant for smooth convex objectives (such as L2-penalised logistic regression), where every accepted step has
/// s'y &gt; 0; a pair without positive curvature is skipped, and a direction that is not a descent direction resets
/// the memory to steepest descent. Fully deterministic: the same objective and start give the same iterates.
/// </summary>
public static class Lbfgs
{
    private const double ArmijoC1 = 1e-4;
    private const int MaxLineSearchTrials = 50;

    /// <param name="objective">Returns f(x) and writes the gradient at x into its second argument.</param>
    /// <param name="start">Initial point (not modified).</param>
    public static LbfgsResult Minimize(Func<double[], double[], double> objective, double[] start, LbfgsSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        settings ??= new LbfgsSettings();
        if (settings.History < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.History, "History must be at least 1");
        if (settings.MaxIterations < 0) throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxIterations, "MaxIterations must be non-negative");

        var n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        var f = objective(x, g);
        var evaluations = 1;
        if (!double.IsFinite(f)) throw new ArgumentException($"the objective is {f} at the start point");

        var s = new List<double[]>(settings.History);
        var y = new List<double[]>(settings.History);
        var rho = new List<double>(settings.History);
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var alpha = new double[settings.History];

        for (var iteration = 0; ; iteration++)
        {
            var gMax = MaxAbs(g);
            if (gMax <= settings.GradientTolerance) return new LbfgsResult(x, f, gMax, iteration, evaluations, LbfgsStop.Gradient);
            if (iteration >= settings.MaxIterations) return new LbfgsResult(x, f, gMax, iteration, evaluations, LbfgsStop.IterationCap);
            cancellationToken.ThrowIfCancellationRequested();

            TwoLoop(g, s, y, rho, alpha, direction);
            var slope = Dot(g, direction);
            if (!(slope < 0))
            {
                // Not a descent direction (should not happen on a convex objective): forget the curvature pairs.
                s.Clear();
                y.Clear();
                rho.Clear();
                TwoLoop(g, s, y, rho, alpha, direction);
                slope = Dot(g, direction);
            }

            // Without curvature pairs the direction is -g; scale the first trial step so it moves x by at most 1.
            var step = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Max(gMax, 1e-300)) : 1.0;
            var accepted = false;
            double fNew = f;
            for (var trial = 0; trial < MaxLineSearchTrials; trial++)
            {
                for (var i = 0; i < n; i++) xNew[i] = x[i] + step * direction[i];
                fNew = objective(xNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + ArmijoC1 * step * slope)
                {
                    accepted = true;
                    break;
                }

                step *= 0.5;
            }

            if (!accepted) return new LbfgsResult(x, f, gMax, iteration, evaluations, LbfgsStop.LineSearch);

            var sk = new double[n];
            var yk = new double[n];
            for (var i = 0; i < n; i++)
            {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }

            var sy = Dot(sk, yk);
            if (sy > 1e-300)
            {
                if (s.Count == settings.History)
                {
                    s.RemoveAt(0);
                    y.RemoveAt(0);
                    rho.RemoveAt(0);
                }

                s.Add(sk);
                y.Add(yk);
                rho.Add(1.0 / sy);
            }

            var change = Math.Abs(f - fNew);
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = fNew;
            if (change <= settings.LossChangeTolerance * Math.Max(1.0, Math.Abs(f)))
                return new LbfgsResult(x, f, MaxAbs(g), iteration + 1, evaluations, LbfgsStop.LossChange);
        }
    }

    /// <summary>direction = -H g by the two-loop recursion, H0 = (s'y / y'y) I from the newest pair (I without pairs).</summary>
    private static void TwoLoop(double[] g, List<double[]> s, List<double[]> y, List<double> rho, double[] alpha, double[] direction)
    {
        var n = g.Length;
        for (var i = 0; i < n; i++) direction[i] = -g[i];
        for (var k = s.Count - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * Dot(s[k], direction);
            Axpy(-alpha[k], y[k], direction);
        }

        if (s.Count > 0)
        {
            var last = s.Count - 1;
            var gamma = 1.0 / (rho[last] * Dot(y[last], y[last]));
            for (var i = 0; i < n; i++) direction[i] *= gamma;
        }

        for (var k = 0; k < s.Count; k++)
        {
            var beta = rho[k] * Dot(y[k], direction);
            Axpy(alpha[k] - beta, s[k], direction);
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] v)
    {
        double max = 0;
        foreach (var value in v) max = Math.Max(max, Math.Abs(value));
        return max;
    }
}
