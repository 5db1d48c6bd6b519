using AftSweep.Transfer.Numerics;

namespace AftSweep.Tests.Training;

public sealed class LbfgsTests
{
    [Fact]
    public void Minimize_IllConditionedQuadratic_MatchesLinearSolve()
    {
        // f(x) = x'Ax / 2 - b'x with A = Q diag(1..1000) Q' (SPD, condition number 1000); the minimiser solves Ax = b.
        const int n = 12;
        var random = SplitMix64.For(3, "lbfgs-quadratic");
        var a = new double[n, n];
        var basis = RandomMatrix(n, ref random);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                for (var k = 0; k < n; k++)
                    a[i, j] += basis[i, k] * Math.Pow(1000, k / (double)(n - 1)) * basis[j, k];
        var b = Enumerable.Range(0, n).Select(_ => Synthetic.Gaussian(ref random)).ToArray();

        var result = Lbfgs.Minimize((x, g) =>
        {
            double f = 0;
            for (var i = 0; i < n; i++)
            {
                double ax = 0;
                for (var j = 0; j < n; j++) ax += a[i, j] * x[j];
                g[i] = ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return f;
        }, new double[n], new LbfgsSettings { GradientTolerance = 1e-9 });

        // |x - x*| <= |gradient| / smallest eigenvalue (1): the gradient tolerance, or float64's floor on f.
        Assert.True(result.Converged, $"stopped by {result.Stop}");
        var expected = Solve(a, b);
        for (var i = 0; i < n; i++) Assert.Equal(expected[i], result.X[i], 1e-6);
    }

    [Fact]
    public void Minimize_Rosenbrock_ReachesTheMinimum()
    {
        var result = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0], new LbfgsSettings { GradientTolerance = 1e-8, LossChangeTolerance = 0 });
        Assert.True(result.Converged, $"stopped by {result.Stop} after {result.Iterations} iterations");
        Assert.Equal(1.0, result.X[0], 1e-6);
        Assert.Equal(1.0, result.X[1], 1e-6);
    }

    [Fact]
    public void Minimize_IterationCap_SaysNotConverged()
    {
        var result = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0], new LbfgsSettings { MaxIterations = 3 });
        Assert.Equal(LbfgsStop.IterationCap, result.Stop);
        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
        Assert.True(result.GradientMaxAbs > 1e-6);
    }

    [Fact]
    public void Minimize_SameProblemTwice_IdenticalIterates()
    {
        var first = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0]);
        var second = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0]);
        Assert.Equal(first.X, second.X);
        Assert.Equal(first.Iterations, second.Iterations);
        Assert.Equal(first.Evaluations, second.Evaluations);
    }

    private static double Rosenbrock(double[] x, double[] g)
    {
        var (u, v) = (x[0], x[1]);
        g[0] = -2 * (1 - u) - 400 * u * (v - u * u);
        g[1] = 200 * (v - u * u);
        return (1 - u) * (1 - u) + 100 * (v - u * u) * (v - u * u);
    }

    /// <summary>An orthonormal basis (columns) by Gram-Schmidt on Gaussian columns.</summary>
    private static double[,] RandomMatrix(int n, ref SplitMix64 random)
    {
        var q = new double[n, n];
        for (var k = 0; k < n; k++)
        {
            var v = new double[n];
            for (var i = 0; i < n; i++) v[i] = Synthetic.Gaussian(ref random);
            for (var p = 0; p < k; p++)
            {
                double dot = 0;
                for (var i = 0; i < n; i++) dot += v[i] * q[i, p];
                for (var i = 0; i < n; i++) v[i] -= dot * q[i, p];
            }
            var norm = Math.Sqrt(v.Sum(x => x * x));
            for (var i = 0; i < n; i++) q[i, k] = v[i] / norm;
        }
        return q;
    }

    /// <summary>Gaussian elimination with partial pivoting (the independent reference).</summary>
    internal static double[] Solve(double[,] matrix, double[] rhs)
    {
        var n = rhs.Length;
        var a = (double[,])matrix.Clone();
        var b = (double[])rhs.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (var c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (var r = col + 1; r < n; r++)
            {
                var factor = a[r, col] / a[col, col];
                for (var c = col; c < n; c++) a[r, c] -= factor * a[col, c];
                b[r] -= factor * b[col];
            }
        }
        var x = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var sum = b[r];
            for (var c = r + 1; c < n; c++) sum -= a[r, c] * x[c];
            x[r] = sum / a[r, r];
        }
        return x;
    }
}
