using System.Diagnostics;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>
/// The machine's practical fp32 peak on the current libtorch thread count: square float32 matrix products (the best
/// case for any BLAS) timed for about <c>seconds</c>. The fraction of it a training step reaches says how much of the
/// hardware the step uses, independently of how fast this machine is.
/// </summary>
public static class MatmulPeak
{
    public static double FlopsPerSecond(Device device, int size = 1024, double seconds = 1.0)
    {
        using var scope = NewDisposeScope();
        var a = rand(size, size, device: device);
        var b = rand(size, size, device: device);
        Product(a, b); // warm-up: BLAS thread pool, packing buffers
        DeviceSelector.Synchronize(device);
        var clock = Stopwatch.StartNew();
        var products = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Product(a, b);
            products++;
            if (products % 4 == 0) DeviceSelector.Synchronize(device);
        }
        DeviceSelector.Synchronize(device);
        return products * 2.0 * size * size * size / clock.Elapsed.TotalSeconds;
    }

    private static void Product(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        a.mm(b);
    }
}
