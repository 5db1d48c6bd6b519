using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// An image model's input preprocessing as data: from planar pixels in <see cref="InputChannels"/> order with
/// values 0..255, output channel c is input channel <see cref="ChannelOrder"/>[c], times <see cref="Scale"/>,
/// minus <see cref="Mean"/> (an image of shape <see cref="MeanShape"/>, channels in output order, so the input
/// must have that height and width), divided by <see cref="Std"/> per channel when it is set.
/// </summary>
public sealed record ExportedPreprocessing(
    string InputChannels,
    string OutputChannels,
    IReadOnlyList<int> ChannelOrder,
    float Scale,
    IReadOnlyList<long> MeanShape,
    float[] Mean,
    float[]? Std)
{
    /// <summary>(B, 3, H, W) pixels 0..255 in <see cref="InputChannels"/> order to the model's input (B, 3, H, W).</summary>
    public Tensor Apply(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.dim() != 4 || pixels.shape[1] != ChannelOrder.Count || pixels.shape[2] != MeanShape[1] || pixels.shape[3] != MeanShape[2])
            throw new ArgumentException(
                $"preprocessing takes (B, {ChannelOrder.Count}, {MeanShape[1]}, {MeanShape[2]}) pixels, got ({string.Join(", ", pixels.shape)})");
        using var scope = NewDisposeScope();
        using var order = tensor(ChannelOrder.Select(c => (long)c).ToArray(), device: pixels.device);
        var x = pixels.index_select(1, order);
        if (Scale != 1f) x = x * Scale;
        x = x - tensor(Mean, [.. MeanShape], device: pixels.device);
        if (Std is not null) x = x / tensor(Std, [Std.Length, 1, 1], device: pixels.device);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The same pixel pipeline as a student's input preprocessing (mean image resized with the input).</summary>
    public Torch.ImagePreprocessing ToStudentPreprocessing()
    {
        var bgr = ChannelOrder.SequenceEqual([2, 1, 0]);
        if (!bgr && !ChannelOrder.SequenceEqual([0, 1, 2]))
            throw new NotSupportedException($"channel order [{string.Join(", ", ChannelOrder)}] is neither RGB nor BGR");
        return new Torch.ImagePreprocessing
        {
            Name = $"{OutputChannels.ToLowerInvariant()}-0-255-minus-mean-image{(Std is null ? "" : "-std")}",
            Bgr = bgr,
            Scale = 255f * Scale,
            Mean = Mean,
            MeanHeight = (int)MeanShape[1],
            MeanWidth = (int)MeanShape[2],
            Std = Std ?? [1f, 1f, 1f],
        };
    }
}
