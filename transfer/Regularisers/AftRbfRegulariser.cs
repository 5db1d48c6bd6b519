namespace AftSweep.Transfer.Regularisers;

/// <summary>aft-rbf: AFT with K_ij = exp(-||x_n_i - x_n_j||^2) on the centred, normalised features.</summary>
public sealed class AftRbfRegulariser(int teacherDim)
    : AftRegulariser("aft-rbf", teacherDim, KernelKind.Rbf, learnS: true);
