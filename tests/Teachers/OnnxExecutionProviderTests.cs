using AftSweep.Transfer.Teachers.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Tests.Teachers;

public sealed class OnnxExecutionProviderTests
{
    private static readonly string[] CpuOnly = ["CPUExecutionProvider"];
    private static readonly string[] WithCuda = ["CUDAExecutionProvider", "CPUExecutionProvider"];

    [Fact]
    public void Choose_CudaRequestedAndAvailable_UsesThatDevice()
    {
        var choice = OnnxExecutionProvider.Choose("cuda:1", WithCuda, cudaDevices: 2);
        Assert.Equal(1, choice.CudaDevice);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void Choose_CudaRequestedOnCpuBuild_FallsBackWithWarning()
    {
        var choice = OnnxExecutionProvider.Choose("cuda:0", CpuOnly, cudaDevices: 1);
        Assert.False(choice.UsesCuda);
        Assert.Contains("no CUDA execution provider", choice.Warning);
        Assert.Contains("TorchBackend=cuda", choice.Warning);
    }

    [Fact]
    public void Choose_DeviceMissing_FallsBackWithWarning()
    {
        var choice = OnnxExecutionProvider.Choose("cuda:3", WithCuda, cudaDevices: 2);
        Assert.False(choice.UsesCuda);
        Assert.Contains("has 2 CUDA device(s)", choice.Warning);
    }

    [Theory]
    [InlineData(null, 0, null)]
    [InlineData("auto", 0, null)]
    [InlineData("auto", 1, 0)]
    [InlineData("cpu", 4, null)]
    public void Choose_AutoAndCpu_NeedNoWarning(string? device, int cudaDevices, int? expected)
    {
        var choice = OnnxExecutionProvider.Choose(device, WithCuda, cudaDevices);
        Assert.Equal(expected, choice.CudaDevice);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void Choose_UnknownDevice_IsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxExecutionProvider.Choose("tpu:0", WithCuda, 1));
        Assert.Contains("'tpu:0'", e.Message);
    }

    [Fact]
    public void ChooseHere_OnThisCpuBuild_IsTheCpuProvider()
    {
        // The test project builds with the CPU backend: ONNX Runtime reports no CUDA provider, so even an explicit
        // request runs on the CPU (and says why).
        Assert.DoesNotContain(OnnxExecutionProvider.CudaProvider, OrtEnv.Instance().GetAvailableProviders());
        var choice = OnnxExecutionProvider.ChooseHere("cuda:0");
        Assert.False(choice.UsesCuda);
        Assert.NotNull(choice.Warning);
        using var options = new SessionOptions();
        OnnxExecutionProvider.Apply(options, OnnxExecutionProvider.ChooseHere("auto"), logger: null);
    }
}
