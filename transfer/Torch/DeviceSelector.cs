using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>Resolves the grid's device string: <c>auto</c> (cuda:0 when available, else cpu), <c>cpu</c>, <c>cuda:N</c>.</summary>
public static class DeviceSelector
{
    public static Device Resolve(string? spec)
    {
        var text = string.IsNullOrWhiteSpace(spec) ? "auto" : spec.Trim().ToLowerInvariant();
        if (text == "auto") return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        if (text == "cpu") return CPU;
        if (text == "cuda") text = "cuda:0";
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"device '{spec}' requested but CUDA is not available on this machine (libtorch backend without CUDA or no GPU)");
            var count = cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"device '{spec}' does not exist: this machine has {count} CUDA device(s)");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{spec}' is not one of auto, cpu, cuda:N");
    }

    /// <summary>The device as the grid spells it ("cpu", "cuda:0").</summary>
    /// <summary>Waits for the device's queued work (timings on CUDA measure nothing without it; a no-op on CPU).</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }

    public static string Describe(Device device) =>
        device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, device.index)}" : device.type.ToString().ToLowerInvariant();
}
