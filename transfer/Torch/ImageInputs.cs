using AftSweep.Transfer.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Images kept as uint8 (N, 3, H, W) on the device (a quarter of float32's memory); a batch is converted to float,
/// scaled to [0, 1] and normalised per channel with the CIFAR-10 training mean/std. One normalisation for every
/// image dataset keeps the preprocessing a constant of the code version rather than a per-dataset statistic.
/// </summary>
public sealed class ImageInputs : InputTensor
{
    public static readonly float[] ChannelMean = [0.4914f, 0.4822f, 0.4465f];
    public static readonly float[] ChannelStd = [0.2470f, 0.2435f, 0.2616f];

    private readonly Tensor _pixels; // (N, 3, H, W) uint8
    private readonly Tensor _mean;   // (1, 3, 1, 1)
    private readonly Tensor _std;    // (1, 3, 1, 1)

    public ImageInputs(ImageBatch images, Device device)
    {
        ArgumentNullException.ThrowIfNull(images);
        Height = images.Height;
        Width = images.Width;
        using (NewDisposeScope())
        {
            var hwc = tensor(images.Pixels, [images.Count, images.Height, images.Width, 3], dtype: ScalarType.Byte);
            _pixels = hwc.permute(0, 3, 1, 2).contiguous().to(device).DetachFromDisposeScope();
            _mean = tensor(ChannelMean, [1, 3, 1, 1]).to(device).DetachFromDisposeScope();
            _std = tensor(ChannelStd, [1, 3, 1, 1]).to(device).DetachFromDisposeScope();
        }
    }

    public int Height { get; }
    public int Width { get; }
    public override long Rows => _pixels.shape[0];

    public override Tensor Gather(Tensor rowIndices)
    {
        // (B, 3, H, W) float32
        return _pixels.index_select(0, rowIndices).to(ScalarType.Float32).div_(255f).sub_(_mean).div_(_std);
    }

    protected override void DisposeTensors()
    {
        _pixels.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
