using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>kd: R = mean over (B, d_p) of (P(g) - phi)^2 with a learned affine P: d_s -> d_p; raw phi.</summary>
public sealed class KdRegulariser : Regulariser
{
    private readonly Linear map;

    public KdRegulariser(int studentDim, int teacherDim, Generator generator) : base("kd")
    {
        map = SeededInit.Linear(studentDim, teacherDim, generator);
        RegisterComponents();
    }

    /// <summary>P: d_s -> d_p.</summary>
    public Linear Map => map;

    public override Tensor Compute(Tensor g, Tensor phi)
    {
        using var predicted = map.forward(g);                   // (B, d_p)
        return Loss(predicted, phi);
    }

    public static Tensor Loss(Tensor predicted, Tensor phi)
    {
        if (!predicted.shape.SequenceEqual(phi.shape))
            throw new ArgumentException($"kd: P(g) has shape [{string.Join(", ", predicted.shape)}], teacher features [{string.Join(", ", phi.shape)}]");
        return nn.functional.mse_loss(predicted, phi);
    }
}
