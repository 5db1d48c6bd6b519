using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>kernel-kd: the AFT kernel pipeline on Q(g) (Q: d_s -> d_s affine) against raw phi (no rho).</summary>
public sealed class KernelKdRegulariser : Regulariser
{
    private readonly Linear map;

    public KernelKdRegulariser(int studentDim, Generator generator) : base("kernel-kd")
    {
        map = SeededInit.Linear(studentDim, studentDim, generator);
        RegisterComponents();
    }

    /// <summary>Q: d_s -> d_s.</summary>
    public Linear Map => map;

    public override Tensor Compute(Tensor g, Tensor phi)
    {
        using var q = map.forward(g);                           // (B, d_s)
        return KernelAlignment.Rmse(q, phi, KernelKind.Linear);
    }
}
