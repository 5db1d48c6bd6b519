using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.Torch;

public sealed class TruncatedNormalTests
{
    [Fact]
    public void Fill_Std002WithWideBounds_IsNormalWithThatStd()
    {
        using var t = empty(200_000);
        TruncatedNormal.Fill_(t, std: 0.02, generator: new Generator(31));
        Assert.InRange(t.std().item<float>(), 0.0196, 0.0204);
        Assert.InRange(t.mean().item<float>(), -3 * 0.02 / 447, 3 * 0.02 / 447); // 3 standard errors
        using var distinct = t.unique().Item1;
        Assert.True(distinct.numel() > 150_000, $"only {distinct.numel()} distinct values");
    }

    [Fact]
    public void Fill_TightBounds_StaysInsideAndHasTheTruncatedMean()
    {
        using var t = empty(200_000, dtype: ScalarType.Float64);
        TruncatedNormal.Fill_(t, mean: 0, std: 1, a: -1, b: 2, generator: new Generator(32));
        Assert.True(t.min().item<double>() >= -1 && t.max().item<double>() <= 2, "values outside [a, b]");
        // Mean of N(0, 1) truncated to [-1, 2]: (phi(-1) - phi(2)) / (Phi(2) - Phi(-1)) = 0.231135.
        Assert.InRange(t.mean().item<double>(), 0.231135 - 0.008, 0.231135 + 0.008);
    }
}
