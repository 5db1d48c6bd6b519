using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// The AFT kernel pipeline (methods.md, "AFT"), the one implementation behind aft, its kernel ablations and kernel-kd
/// (the reference code carried two copies of it). Works in the dtype and on the device of its inputs.
/// </summary>
public static class KernelAlignment
{
    private const double NormEpsilon = 1e-8;
    private const double RootEpsilon = 1e-8;

    /// <summary>R = sqrt(mean_ij (K(g) - K(t))^2 + 1e-8) for student features g (B, d_s) and scaled teacher
    /// features t (B, d_t), each centred over the batch and row-normalised first.</summary>
    public static Tensor Rmse(Tensor g, Tensor t, KernelKind kind)
    {
        if (g.shape[0] != t.shape[0])
            throw new ArgumentException($"kernel alignment: student batch {g.shape[0]} != teacher batch {t.shape[0]}");
        using var k = Kernel(CentreAndNormalise(g), kind);      // (B, B)
        using var kt = Kernel(CentreAndNormalise(t), kind);     // (B, B)
        using var diff = k - kt;
        using var meanSquare = diff.square().mean();
        return (meanSquare + RootEpsilon).sqrt();
    }

    /// <summary>Centre each column over the batch, then divide each row by its L2 norm + 1e-8 (no clamp, so a
    /// zero row stays zero and B = 1 is well defined).</summary>
    public static Tensor CentreAndNormalise(Tensor x)
    {
        using var centred = x - x.mean([0L], keepdim: true);
        using var norm = centred.norm(1, keepdim: true);
        return centred / (norm + NormEpsilon);
    }

    /// <summary>The (B, B) kernel of already centred and normalised rows, diagonal included.</summary>
    public static Tensor Kernel(Tensor xn, KernelKind kind)
    {
        var gram = xn.mm(xn.t());
        if (kind == KernelKind.Linear) return gram;
        using (gram)
        {
            // ||a - b||^2 = |a|^2 + |b|^2 - 2 a.b: O(B^2) memory instead of a (B, B, d) difference tensor.
            using var sq = xn.square().sum(1, keepdim: true);    // (B, 1)
            using var dist2 = sq + sq.t() - 2 * gram;
            return (-dist2).exp();
        }
    }
}
