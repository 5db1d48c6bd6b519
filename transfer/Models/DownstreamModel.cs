using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// A downstream (student) model: a backbone producing features g (B, d_s) and a linear head on raw g (methods.md).
/// Regularisers see <see cref="Features"/>; the loss sees <see cref="Head"/> of the same tensor.
/// </summary>
public abstract class DownstreamModel : nn.Module<Tensor, Tensor>
{
    protected DownstreamModel(string name) : base(name) { }

    /// <summary>d_s, the width of <see cref="Features"/>.</summary>
    public abstract int FeatureDim { get; }

    /// <summary>Name of the head submodule: its parameters start with this prefix and stay fresh on init loading.</summary>
    public abstract string HeadName { get; }

    /// <summary>Penultimate features (B, d_s).</summary>
    public abstract Tensor Features(Tensor x);

    /// <summary>Logits (B, C) from features (B, d_s).</summary>
    public abstract Tensor Head(Tensor features);

    public override Tensor forward(Tensor x) => Head(Features(x));

    /// <summary>True for a parameter or buffer name that belongs to the head.</summary>
    public bool IsHeadEntry(string name) => name == HeadName || name.StartsWith(HeadName + ".", StringComparison.Ordinal);
}
