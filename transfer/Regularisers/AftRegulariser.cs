using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// AFT (methods.md, "AFT"): t = phi * sigmoid(s), then the kernel pipeline against g. One s (d_p) over the whole
/// teacher concatenation, initialised to zeros (rho = 0.5). Base of the rho-based ablations.
/// </summary>
public class AftRegulariser : Regulariser
{
    private readonly KernelKind kind;

    public AftRegulariser(int teacherDim) : this("aft", teacherDim, KernelKind.Linear, learnS: true) { }

    protected AftRegulariser(string name, int teacherDim, KernelKind kind, bool learnS) : base(name)
    {
        if (teacherDim <= 0) throw new ArgumentOutOfRangeException(nameof(teacherDim), teacherDim, "teacher width must be positive");
        this.kind = kind;
        // Registered by name, not through a field: RegisterComponents and to() do not see a base class's private fields.
        register_parameter("s", new Parameter(zeros(teacherDim), requires_grad: learnS));
    }

    /// <summary>The rho logits (d_p); aft-identity keeps them frozen at 0. Current after to(device or dtype).</summary>
    public Parameter S => get_parameter("s")!;

    public KernelKind Kind => kind;

    public override Tensor Compute(Tensor g, Tensor phi) => Loss(g, phi, S, kind);

    /// <summary>The functional form the module trains with (also checked by the conformance vectors).</summary>
    public static Tensor Loss(Tensor g, Tensor phi, Tensor s, KernelKind kind = KernelKind.Linear)
    {
        if (phi.shape[1] != s.shape[0])
            throw new ArgumentException($"aft: teacher features have width {phi.shape[1]}, s has {s.shape[0]}");
        using var rho = s.sigmoid();
        using var t = phi * rho;                                 // (B, d_p)
        return KernelAlignment.Rmse(g, t, kind);
    }

    public override float[]? LearnedRho()
    {
        using var _ = no_grad();
        using var rho = S.sigmoid().to(ScalarType.Float32).cpu();
        return rho.data<float>().ToArray();
    }
}
