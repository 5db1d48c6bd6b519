using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Build;

/// <summary>Proves the build's libLibTorchSharp.so fix: native TorchSharp loads and autograd works.</summary>
public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void TensorOpAndBackward_RunOnThisMachine()
    {
        using var x = tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(14.0, y.item<double>(), 12);
        Assert.Equal(new double[] { 2, 4, 6 }, x.grad!.data<double>().ToArray());
    }
}
