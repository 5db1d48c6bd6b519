using AftSweep.Transfer.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Images kept as uint8 (N, 3, H, W) on the device (a quarter of float32's memory); each gathered batch is converted
/// to float and put through the student's <see cref="ImagePreprocessing"/>: resized when the student takes another
/// resolution (per batch, so the stored images stay small), scaled, channel-reordered and normalised.
/// </summary>
public sealed class ImageInputs : InputTensor
{
    private readonly Tensor _pixels; // (N, 3, H, W) uint8
    private readonly Tensor _mean;   // (1, 3, 1, 1) or (1, 3, R, R)
    private readonly Tensor _std;    // (1, 3, 1, 1)
    private readonly ImagePreprocessing _preprocessing;
    private readonly long[]? _size;

    public ImageInputs(ImageBatch images, Device device, ImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(preprocessing);
        preprocessing.Validate();
        _preprocessing = preprocessing;
        var resolution = preprocessing.Resolution;
        _size = resolution is { } r && (r != images.Height || r != images.Width) ? [r, r] : null;
        Height = resolution ?? images.Height;
        Width = resolution ?? images.Width;
        using (NewDisposeScope())
        {
            var hwc = tensor(images.Pixels, [images.Count, images.Height, images.Width, 3], dtype: ScalarType.Byte);
            _pixels = hwc.permute(0, 3, 1, 2).contiguous().to(device).DetachFromDisposeScope();
            var mean = tensor(preprocessing.Mean, [1, 3, preprocessing.MeanHeight, preprocessing.MeanWidth]);
            if (preprocessing.HasMeanImage && (preprocessing.MeanHeight != Height || preprocessing.MeanWidth != Width))
                mean = nn.functional.interpolate(mean, [Height, Width], mode: InterpolationMode.Bilinear, align_corners: false);
            _mean = mean.to(device).DetachFromDisposeScope();
            _std = tensor(preprocessing.Std, [1, 3, 1, 1]).to(device).DetachFromDisposeScope();
        }
    }

    /// <summary>The size the student sees (after resizing).</summary>
    public int Height { get; }
    public int Width { get; }
    public override long Rows => _pixels.shape[0];

    public override Tensor Gather(Tensor rowIndices)
    {
        using var scope = NewDisposeScope();
        var x = _pixels.index_select(0, rowIndices).to(ScalarType.Float32);                       // (B, 3, H, W), 0..255
        if (_size is not null) x = nn.functional.interpolate(x, _size, mode: InterpolationMode.Bilinear, align_corners: false);
        x = x.div_(255f / _preprocessing.Scale);
        if (_preprocessing.Bgr) x = x.flip(1);
        return x.sub_(_mean).div_(_std).MoveToOuterDisposeScope();
    }

    protected override void DisposeTensors()
    {
        _pixels.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
