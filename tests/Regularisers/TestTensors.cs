using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

/// <summary>Seeded float64 inputs for the behaviour tests.</summary>
internal static class TestTensors
{
    public static Tensor Randn(Generator generator, long rows, long cols, ScalarType dtype = ScalarType.Float64) =>
        randn(rows, cols, generator: generator).to(dtype);

    /// <summary>A random (n, n) orthogonal matrix (Q of a Gaussian matrix's QR).</summary>
    public static Tensor Orthogonal(Generator generator, long n)
    {
        var (q, _) = linalg.qr(Randn(generator, n, n));
        return q;
    }

    public static bool AllFinite(Tensor t) => isfinite(t).all().item<bool>();
}
