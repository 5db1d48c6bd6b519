using AftSweep.Infra.Metrics;

// Prints what the silo's GPU-memory gauge would export for each device index given (default 0), one line each:
// "cuda:N used_bytes=B". Exit 3 when NVML cannot be loaded (no driver), 4 when a device cannot be read.
var indices = args.Length == 0 ? [0] : args.Select(int.Parse).ToArray();
if (NvmlGpuMemory.TryCreate() is not { } nvml)
{
    Console.Error.WriteLine("gpu-check: NVML (libnvidia-ml.so.1) could not be loaded or initialised");
    return 3;
}

var code = 0;
foreach (var index in indices)
{
    if (nvml.UsedBytes(index) is { } used) Console.WriteLine($"cuda:{index} used_bytes={used}");
    else
    {
        Console.Error.WriteLine($"gpu-check: NVML could not read device {index}");
        code = 4;
    }
}
return code;
