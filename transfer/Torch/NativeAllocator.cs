using System.Runtime.InteropServices;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Tunes glibc's malloc for libtorch's allocation pattern. glibc serves a large block with mmap only while it is
/// above a threshold that it raises to the size of every mmapped block freed (up to 32 MiB); after that, the few-MiB
/// tensors a training step allocates and frees (a restricted embedding table's dense gradient, Adam's temporaries)
/// come from the heap, where, interleaved with smaller blocks that live longer, they fragment it: a dan trial on
/// SST-2 was measured growing its resident memory from 0.6 GB to between 1.2 and 24 GB, the amount varying from run
/// to run. Fixing the threshold at 1 MiB sends every such block to mmap, which returns it to the system when freed.
/// A no-op off glibc. <c>AFTSWEEP_MALLOC_MMAP_THRESHOLD</c> overrides the threshold in bytes (0 leaves glibc's
/// dynamic default).
/// </summary>
public static class NativeAllocator
{
    public const int MmapThresholdBytes = 1 << 20;
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private static int _configured;

    /// <summary>Applies the setting once per process (idempotent, thread-safe).</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) != 0 || !OperatingSystem.IsLinux()) return;
        var threshold = int.TryParse(Environment.GetEnvironmentVariable("AFTSWEEP_MALLOC_MMAP_THRESHOLD"), out var bytes) && bytes >= 0
            ? bytes
            : MmapThresholdBytes;
        if (threshold == 0) return;
        try
        {
            mallopt(MmapThreshold, threshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, ...): its allocator has no such threshold to fix.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
