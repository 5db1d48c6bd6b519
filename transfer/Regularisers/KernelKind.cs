namespace AftSweep.Transfer.Regularisers;

/// <summary>The similarity the kernel pipeline builds from centred, normalised features.</summary>
public enum KernelKind
{
    /// <summary>K = x_n x_n^T (aft, its ablations, kernel-kd).</summary>
    Linear,
    /// <summary>K_ij = exp(-||x_n_i - x_n_j||^2), no bandwidth (aft-rbf).</summary>
    Rbf,
}
