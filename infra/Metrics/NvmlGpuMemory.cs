using System.Runtime.InteropServices;

namespace AftSweep.Infra.Metrics;

/// <summary>
/// GPU memory in use per CUDA device, read from NVIDIA's management library (libnvidia-ml, shipped with the driver).
/// TorchSharp 0.107 exposes no allocator statistics (no torch.cuda.memory_allocated), so the device-wide figure
/// from NVML is what is exported; it also covers other processes on a shared GPU, which is what an operator wants
/// to see. Where there is no driver (CPU machines) <see cref="TryCreate"/> returns null and nothing is exported.
/// </summary>
public sealed class NvmlGpuMemory
{
    private const string Library = "libnvidia-ml.so.1";
    private static readonly Lock Gate = new();
    private static bool? _initialised;
    private bool _hasV2 = true;

    private NvmlGpuMemory()
    {
    }

    /// <summary>An NVML reader, or null when NVML cannot be loaded or initialised.</summary>
    public static NvmlGpuMemory? TryCreate()
    {
        lock (Gate)
        {
            if (_initialised is null)
            {
                try
                {
                    _initialised = nvmlInit_v2() == 0;
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
                {
                    _initialised = false;
                }
            }
            return _initialised.Value ? new NvmlGpuMemory() : null;
        }
    }

    /// <summary>
    /// Bytes in use on CUDA device <paramref name="index"/>, or null when NVML cannot read it. Read through
    /// nvmlDeviceGetMemoryInfo_v2, as nvidia-smi does: the v1 call counts the driver's reserved memory as used
    /// (measured on an H200 with driver 580: 615 MiB "used" on an idle GPU that nvidia-smi shows at 0 MiB).
    /// Drivers older than v2 (before R510) fall back to v1.
    /// </summary>
    public long? UsedBytes(int index)
    {
        if (nvmlDeviceGetHandleByIndex_v2((uint)index, out var device) != 0) return null;
        if (_hasV2)
        {
            try
            {
                var v2 = new NvmlMemoryV2 { Version = NvmlMemoryV2.StructVersion };
                if (nvmlDeviceGetMemoryInfo_v2(device, ref v2) == 0) return (long)v2.Used;
            }
            catch (EntryPointNotFoundException)
            {
                _hasV2 = false;
            }
        }
        return nvmlDeviceGetMemoryInfo(device, out var memory) == 0 ? (long)memory.Used : null;
    }

    /// <summary>The CUDA index of a device name such as "cuda" or "cuda:1"; null for anything else (cpu).</summary>
    public static int? CudaIndex(string device)
    {
        if (device.Equals("cuda", StringComparison.OrdinalIgnoreCase)) return 0;
        if (!device.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)) return null;
        return int.TryParse(device.AsSpan(5), out var index) && index >= 0 ? index : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    /// <summary>nvmlMemory_v2_t: version, total, reserved, free, used (the version word is padded to 8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemoryV2
    {
        // NVML_STRUCT_VERSION(Memory, 2): sizeof(nvmlMemory_v2_t) | 2 << 24.
        public const uint StructVersion = 40 | (2u << 24);

        public uint Version;
        public ulong Total;
        public ulong Reserved;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(Library)]
    private static extern int nvmlInit_v2();

    [DllImport(Library)]
    private static extern int nvmlDeviceGetMemoryInfo_v2(IntPtr device, ref NvmlMemoryV2 memory);

    [DllImport(Library)]
    private static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);

    [DllImport(Library)]
    private static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory);
}
