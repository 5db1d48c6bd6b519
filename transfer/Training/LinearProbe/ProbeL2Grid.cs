namespace AftSweep.Transfer.Training.LinearProbe;

/// <summary>
/// The L2 strengths the linear probe chooses from (docs/methods.md): one per order of magnitude from 1e-6 to 1,
/// ascending. A strength is relative: the penalty is (alpha * m / 2) * ||W||^2 with m the mean squared norm of the
/// fitted feature rows, so the same alpha regularises unit-norm sentence embeddings and unnormalised image features
/// alike (scaling the features by s leaves the fitted probe's predictions unchanged).
/// </summary>
public static class ProbeL2Grid
{
    public static IReadOnlyList<double> Values { get; } = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
}
