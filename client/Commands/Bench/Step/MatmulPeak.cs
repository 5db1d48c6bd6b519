using System.Diagnostics;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>FLOP per wall second and per CPU second (the process's, all threads) of a timed piece of work.</summary>
public sealed record FlopRate(double PerSecond, double PerCpuSecond);

/// <summary>
/// The machine's practical fp32 peak on the current libtorch thread count: square float32 matrix products (the best
/// case for any BLAS) timed for about <c>seconds</c>. The fraction of it a training step reaches says how much of the
/// hardware the step uses, independently of how fast this machine is. Per CPU second is the figure to compare on a
/// shared machine: neighbours stretch wall time, not the CPU time the work itself takes.
/// </summary>
public static class MatmulPeak
{
    public static FlopRate Measure(Device device, int size = 1024, double seconds = 1.0)
    {
        using var scope = NewDisposeScope();
        var a = rand(size, size, device: device);
        var b = rand(size, size, device: device);
        Product(a, b); // warm-up: BLAS thread pool, packing buffers
        DeviceSelector.Synchronize(device);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var products = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Product(a, b);
            products++;
            if (products % 4 == 0) DeviceSelector.Synchronize(device);
        }
        DeviceSelector.Synchronize(device);
        clock.Stop();
        process.Refresh();
        var flops = products * 2.0 * size * size * size;
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new FlopRate(flops / clock.Elapsed.TotalSeconds, cpu > 0 ? flops / cpu : 0);
    }

    private static void Product(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        a.mm(b);
    }
}
