using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>aft-dense: s is a (d_p, d_p) matrix, initialised randn / sqrt(d_p); t = phi @ s (no sigmoid).</summary>
public sealed class AftDenseRegulariser : Regulariser
{
    public AftDenseRegulariser(int teacherDim, Generator generator) : base("aft-dense")
    {
        if (teacherDim <= 0) throw new ArgumentOutOfRangeException(nameof(teacherDim), teacherDim, "teacher width must be positive");
        register_parameter("s", new Parameter(randn(teacherDim, teacherDim, generator: generator) / System.Math.Sqrt(teacherDim)));
    }

    /// <summary>The (d_p, d_p) mixing matrix; current after to(device or dtype).</summary>
    public Parameter S => get_parameter("s")!;

    public override Tensor Compute(Tensor g, Tensor phi) => Loss(g, phi, S);

    public static Tensor Loss(Tensor g, Tensor phi, Tensor s)
    {
        if (phi.shape[1] != s.shape[0])
            throw new ArgumentException($"aft-dense: teacher features have width {phi.shape[1]}, s has {s.shape[0]} rows");
        using var t = phi.mm(s);                                 // (B, d_p)
        return KernelAlignment.Rmse(g, t, KernelKind.Linear);
    }
}
