using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// aft-nokernel: target = A(phi) with a learned affine A: d_p -> d_s; g and target centred over the batch, not
/// normalised; R = mean over (B, d_s) of (target - g)^2. A's bias cancels in the centring, so it never gets a gradient.
/// </summary>
public sealed class AftNoKernelRegulariser : Regulariser
{
    private readonly Linear map;

    public AftNoKernelRegulariser(int studentDim, int teacherDim, Generator generator) : base("aft-nokernel")
    {
        map = SeededInit.Linear(teacherDim, studentDim, generator);
        RegisterComponents();
    }

    /// <summary>A: d_p -> d_s.</summary>
    public Linear Map => map;

    public override Tensor Compute(Tensor g, Tensor phi)
    {
        using var target = map.forward(phi);                    // (B, d_s)
        return Loss(g, target);
    }

    public static Tensor Loss(Tensor g, Tensor target)
    {
        if (!g.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"aft-nokernel: g has shape [{string.Join(", ", g.shape)}], A(phi) [{string.Join(", ", target.shape)}]");
        using var gc = g - g.mean([0L], keepdim: true);
        using var tc = target - target.mean([0L], keepdim: true);
        return (tc - gc).square().mean();
    }
}
