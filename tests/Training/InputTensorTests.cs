using AftSweep.Transfer.Data;
using AftSweep.Transfer.Text;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.Training;

public sealed class InputTensorTests
{
    [Fact]
    public void ImageInputs_Gather_HwcBytesToNormalisedChw()
    {
        // Two 1x2 images; image 1's first pixel is (255, 0, 128).
        var pixels = new byte[] { 1, 2, 3, 4, 5, 6, 255, 0, 128, 7, 8, 9 };
        using var inputs = new ImageInputs(new ImageBatch { Height = 1, Width = 2, Pixels = pixels }, CPU, ImagePreprocessing.Cifar);
        using var index = tensor(new long[] { 1 }, [1]);
        using var x = inputs.Gather(index);
        Assert.Equal(new long[] { 1, 3, 1, 2 }, x.shape);
        Assert.Equal((1f - 0.4914f) / 0.2470f, x[0, 0, 0, 0].item<float>(), 5);
        Assert.Equal((0f - 0.4822f) / 0.2435f, x[0, 1, 0, 0].item<float>(), 5);
        Assert.Equal((128f / 255f - 0.4465f) / 0.2616f, x[0, 2, 0, 0].item<float>(), 5);
        Assert.Equal((7f / 255f - 0.4914f) / 0.2470f, x[0, 0, 0, 1].item<float>(), 5);
    }

    [Fact]
    public void TokenInputs_PadToLongestRowWithPadId()
    {
        using var inputs = new TokenInputs(["hello world", "hello"], WordPieceTokenizer.MiniLm, 128, CPU);
        Assert.Equal(4, inputs.SequenceLength);
        using var index = tensor(new long[] { 0, 1 }, [2]);
        using var ids = inputs.Gather(index);
        Assert.Equal(new long[] { 101, 7592, 2088, 102, 101, 7592, 102, 0 }, ids.data<long>().ToArray());
    }
}
