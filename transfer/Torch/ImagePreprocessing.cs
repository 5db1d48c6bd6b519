namespace AftSweep.Transfer.Torch;

/// <summary>
/// How uint8 RGB pixels become a student's input: resized (bilinear, half-pixel centres, no antialiasing, as
/// PyTorch's interpolate with align_corners=False) to <see cref="Resolution"/> when set, scaled from 0..255 to
/// 0..<see cref="Scale"/>, reordered to BGR when <see cref="Bgr"/>, then (x - mean) / std per channel. The mean is 3
/// values or a whole 3 x MeanHeight x MeanWidth mean image (resized with the input). A checkpoint's weights only
/// mean something with the preprocessing they were trained with, so it travels with the checkpoint.
/// </summary>
public sealed record ImagePreprocessing
{
    public int? Resolution { get; init; }
    public float Scale { get; init; } = 1f;
    public bool Bgr { get; init; }
    /// <summary>3 channel means, or 3 * MeanHeight * MeanWidth values (channel-major).</summary>
    public required float[] Mean { get; init; }
    public int MeanHeight { get; init; } = 1;
    public int MeanWidth { get; init; } = 1;
    public required float[] Std { get; init; }
    /// <summary>Short name for messages and docs.</summary>
    public required string Name { get; init; }

    public bool HasMeanImage => MeanHeight * MeanWidth > 1;

    /// <summary>CIFAR-10's training mean/std: what every from-scratch image student has always used.</summary>
    public static ImagePreprocessing Cifar { get; } = new()
    {
        Name = "cifar10-mean-std",
        Mean = [0.4914f, 0.4822f, 0.4465f],
        Std = [0.2470f, 0.2435f, 0.2616f],
    };

    /// <summary>torchvision's ImageNet normalisation.</summary>
    public static ImagePreprocessing ImageNet { get; } = new()
    {
        Name = "imagenet-mean-std",
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>timm's Inception-style normalisation (mean = std = 0.5), used by vit_small_patch16_224.augreg.</summary>
    public static ImagePreprocessing Inception { get; } = new()
    {
        Name = "inception-mean-std",
        Mean = [0.5f, 0.5f, 0.5f],
        Std = [0.5f, 0.5f, 0.5f],
    };

    public void Validate()
    {
        if (Mean.Length != 3 * MeanHeight * MeanWidth)
            throw new ArgumentException($"image preprocessing '{Name}': mean has {Mean.Length} values, expected 3 x {MeanHeight} x {MeanWidth}");
        if (Std.Length != 3 || Std.Any(s => !(s > 0)))
            throw new ArgumentException($"image preprocessing '{Name}': std must be 3 positive numbers");
        if (!(Scale > 0)) throw new ArgumentException($"image preprocessing '{Name}': scale must be positive");
        if (Resolution is < 1) throw new ArgumentException($"image preprocessing '{Name}': resolution must be positive");
    }
}
