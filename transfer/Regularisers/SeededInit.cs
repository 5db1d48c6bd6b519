using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// PyTorch's default Linear init (kaiming_uniform with a = sqrt(5), i.e. weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)))
/// drawn from an explicit generator, so a regulariser's init follows the trial seed without touching the global RNG
/// that the trainer seeds for the model.
/// </summary>
public static class SeededInit
{
    public static Linear Linear(int inFeatures, int outFeatures, Generator generator, bool zeroWeight = false)
    {
        var layer = nn.Linear(inFeatures, outFeatures);
        var bound = 1.0 / System.Math.Sqrt(inFeatures);
        using var _ = no_grad();
        if (zeroWeight) layer.weight!.zero_();
        else layer.weight!.copy_(Uniform(outFeatures, inFeatures, bound, generator));
        layer.bias!.copy_(Uniform(outFeatures, 1, bound, generator).reshape(outFeatures));
        return layer;
    }

    private static Tensor Uniform(long rows, long cols, double bound, Generator generator) =>
        rand(rows, cols, generator: generator).mul_(2 * bound).sub_(bound);
}
