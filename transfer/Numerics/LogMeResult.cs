namespace AftSweep.Transfer.Numerics;

/// <summary>LogME of one feature matrix: the score (mean per-class evidence) and the per-class posterior means
/// mu (C, D), row-major.</summary>
public sealed record LogMeResult(double Score, int Classes, int Dim, double[] Mu)
{
    public double MuAt(int c, int d) => Mu[(long)c * Dim + d];
}
