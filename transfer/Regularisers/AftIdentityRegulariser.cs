namespace AftSweep.Transfer.Regularisers;

/// <summary>aft-identity: s frozen at 0, so rho = 0.5 everywhere (identity up to the normalisation).</summary>
public sealed class AftIdentityRegulariser(int teacherDim)
    : AftRegulariser("aft-identity", teacherDim, KernelKind.Linear, learnS: false);
