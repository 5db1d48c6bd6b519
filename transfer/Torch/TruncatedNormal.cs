using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// PyTorch's <c>nn.init.trunc_normal_</c> (torch/nn/init.py, <c>_no_grad_trunc_normal_</c>): normal(mean, std)
/// restricted to [a, b] (absolute bounds, as PyTorch and timm give them), by inverse-CDF sampling. TorchSharp 0.107's
/// own <c>nn.init.trunc_normal_</c> fills the tensor with the constant <c>std</c> instead (seen with 0.107.0), which
/// makes every weight it initialises equal and, in a transformer, every gradient below the head vanish.
/// </summary>
public static class TruncatedNormal
{
    public static Tensor Fill_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "must be positive");
        if (!(a < b)) throw new ArgumentException($"the lower bound {a} must be below the upper bound {b}");
        using var noGrad = no_grad();
        var lower = NormalCdf((a - mean) / std);
        var upper = NormalCdf((b - mean) / std);
        // Uniform on [2l-1, 2u-1], then the inverse CDF of the standard normal, scaled; clamp guards erfinv(+-1).
        tensor.uniform_(2 * lower - 1, 2 * upper - 1, generator);
        tensor.erfinv_();
        tensor.mul_(std * System.Math.Sqrt(2));
        tensor.add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    private static double NormalCdf(double x)
    {
        using var t = tensor(x / System.Math.Sqrt(2), ScalarType.Float64);
        using var erf = special.erf(t);
        return (1 + erf.item<double>()) / 2;
    }
}
