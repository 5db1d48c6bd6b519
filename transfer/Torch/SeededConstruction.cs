using TorchSharp;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Builds modules under a fixed torch seed. libtorch's default generator is process-global, and TorchSharp modules
/// draw their initial weights from it, so concurrent trials in one process would interleave draws; the lock makes
/// "same seed, same initial weights" hold even with several worker slots. Modules are built on the CPU and moved
/// afterwards, so the initial weights do not depend on the device either.
/// </summary>
public static class SeededConstruction
{
    private static readonly Lock Gate = new();

    public static T Build<T>(int seed, Func<T> build)
    {
        lock (Gate)
        {
            torch.random.manual_seed(seed);
            return build();
        }
    }
}
