using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Onnx;

/// <summary>Where a teacher's ONNX sessions run, and why (the warning when a CUDA request fell back to the CPU).</summary>
public sealed record OnnxDeviceChoice(int? CudaDevice, string? Warning)
{
    public static OnnxDeviceChoice Cpu { get; } = new(null, null);
    public bool UsesCuda => CudaDevice is not null;
    public override string ToString() => CudaDevice is { } d ? $"CUDA execution provider, device {d}" : "CPU execution provider";
}

/// <summary>
/// Picks ONNX Runtime's execution provider for teachers from the requested device (<c>auto</c>, <c>cpu</c>,
/// <c>cuda:N</c>) and what this build and machine offer: CUDA when it was asked for (or <c>auto</c> on a machine with
/// a CUDA device) and the CUDA provider is compiled in (the <c>TorchBackend=cuda</c> build references
/// Microsoft.ML.OnnxRuntime.Gpu.Linux), otherwise the CPU with one warning. Features do not depend on the choice
/// beyond float rounding, so it is not part of a teacher's identity.
/// </summary>
public static class OnnxExecutionProvider
{
    public const string CudaProvider = "CUDAExecutionProvider";
    private static int _warned;

    /// <param name="device">The requested device (null = auto).</param>
    /// <param name="availableProviders">ONNX Runtime's compiled-in providers (<c>OrtEnv.Instance().GetAvailableProviders()</c>).</param>
    /// <param name="cudaDevices">CUDA devices the machine has (0 on a CPU machine).</param>
    public static OnnxDeviceChoice Choose(string? device, IReadOnlyCollection<string> availableProviders, int cudaDevices)
    {
        ArgumentNullException.ThrowIfNull(availableProviders);
        var text = string.IsNullOrWhiteSpace(device) ? "auto" : device.Trim().ToLowerInvariant();
        int? requested = text switch
        {
            "cpu" => null,
            "auto" => cudaDevices > 0 ? 0 : null,
            "cuda" => 0,
            _ when text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index) => index,
            _ => throw new ArgumentException($"teacher device '{device}' is not one of auto, cpu, cuda:N"),
        };
        if (requested is not { } cuda) return OnnxDeviceChoice.Cpu;
        if (!availableProviders.Contains(CudaProvider))
            return new OnnxDeviceChoice(null, $"teachers asked for cuda:{cuda}, but this build's ONNX Runtime has no CUDA execution provider (build with -p:TorchBackend=cuda); extracting on the CPU");
        if (cuda >= cudaDevices)
            return new OnnxDeviceChoice(null, $"teachers asked for cuda:{cuda}, but the machine has {cudaDevices} CUDA device(s); extracting on the CPU");
        return new OnnxDeviceChoice(cuda, null);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, OnnxDeviceChoice> Here = new(StringComparer.Ordinal);

    /// <summary>The choice for this process (providers and devices as the runtime reports them), once per device.</summary>
    public static OnnxDeviceChoice ChooseHere(string? device) => Here.GetOrAdd(device ?? "auto", d =>
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        var devices = TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;
        return Choose(d, providers, devices);
    });

    /// <summary>Adds the chosen provider to <paramref name="options"/>; a CUDA provider that fails to load (driver
    /// or CUDA libraries missing) falls back to the CPU. Warnings are logged once per process.</summary>
    public static void Apply(SessionOptions options, OnnxDeviceChoice choice, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(choice);
        if (choice.Warning is { } warning) WarnOnce(logger, warning);
        if (choice.CudaDevice is not { } cuda) return;
        try
        {
            options.AppendExecutionProvider_CUDA(cuda);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            WarnOnce(logger, $"ONNX Runtime's CUDA execution provider could not be loaded for cuda:{cuda} ({e.Message}); extracting on the CPU");
        }
    }

    private static void WarnOnce(ILogger? logger, string message)
    {
        if (Interlocked.Exchange(ref _warned, 1) != 0) return;
        if (logger is not null) logger.LogWarning("{Message}", message);
        else Console.Error.WriteLine($"warning: {message}");
    }
}
