using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// ft (factor transfer): R = mean over the batch of ||normalize(T(g)) - normalize(f(phi))||_1, with f the frozen
/// paraphraser encoder (its parameters have requires_grad = false and get no gradient) and T the trained translator.
/// </summary>
public sealed class FtRegulariser : Regulariser
{
    private readonly Translator translator;
    private readonly Sequential encoder;

    public FtRegulariser(int studentDim, Paraphraser paraphraser, Generator generator) : base("ft")
    {
        translator = new Translator(studentDim, paraphraser.FactorDim, generator);
        encoder = paraphraser.Encoder;
        foreach (var p in encoder.parameters()) p.requires_grad = false;
        encoder.eval();
        RegisterComponents();
    }

    public Translator Translator => translator;

    public override Tensor Compute(Tensor g, Tensor phi)
    {
        Tensor factor;
        using (no_grad()) factor = encoder.forward(phi);                           // (B, d_f)
        using (factor)
        {
            using var predicted = translator.forward(g);                            // (B, d_f)
            return Loss(predicted, factor);
        }
    }

    /// <summary>The functional form (conformance vectors give T(g) and f(phi) directly).</summary>
    public static Tensor Loss(Tensor predicted, Tensor factor)
    {
        if (!predicted.shape.SequenceEqual(factor.shape))
            throw new ArgumentException($"ft: T(g) has shape [{string.Join(", ", predicted.shape)}], f(phi) [{string.Join(", ", factor.shape)}]");
        using var p = nn.functional.normalize(predicted, p: 2, dim: 1);
        using var f = nn.functional.normalize(factor, p: 2, dim: 1);
        return (p - f).abs().sum(1).mean();
    }
}
