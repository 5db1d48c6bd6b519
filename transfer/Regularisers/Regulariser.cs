using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// A method's regulariser R (methods.md): a module whose parameters (s, P, Q, T, ...) are the optimiser's second
/// parameter group. Total loss = CE + lambda * R.
/// </summary>
public abstract class Regulariser : nn.Module
{
    protected Regulariser(string name) : base(name) { }

    /// <summary>R for one minibatch. <paramref name="g"/>: (B, d_s) downstream features (the head's input);
    /// <paramref name="phi"/>: (B, d_p) frozen teacher features, concatenated in combo order.</summary>
    public abstract Tensor Compute(Tensor g, Tensor phi);

    /// <summary>aft-bilevel: true on steps where only the regulariser's parameters update (features detached).</summary>
    public virtual bool IsInnerStep(int step) => false;

    /// <summary>Learned rho = sigmoid(s) for aft and its rho-based ablations; null for others.</summary>
    public virtual float[]? LearnedRho() => null;
}
