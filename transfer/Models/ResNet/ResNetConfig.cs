namespace AftSweep.Transfer.Models.ResNet;

/// <summary>
/// The shape of a torchvision ResNet. <see cref="BaseWidth"/> scales every width (stem and the four stages:
/// base, 2 base, 4 base, 8 base planes; torchvision's is 64): it exists so test checkpoints can be tiny and does not
/// change any tensor name. It is not torchvision's <c>width_per_group</c> (ResNeXt / wide ResNets), which only widens
/// the bottleneck's inner convs. <see cref="SmallImageStem"/>: a 3x3 stride-1 conv1 and no max-pool, the usual stem
/// for 32x32 inputs (not in torchvision; conv1.weight then has shape (base, C, 3, 3) instead of (base, C, 7, 7)).
/// </summary>
public sealed record ResNetConfig(string Name, ResidualBlockKind Block, IReadOnlyList<int> Layers)
{
    public const int TorchvisionBaseWidth = 64;

    /// <summary>torchvision <c>resnet18</c>: BasicBlock [2, 2, 2, 2], features 512.</summary>
    public static ResNetConfig ResNet18 { get; } = new("resnet18", ResidualBlockKind.Basic, [2, 2, 2, 2]);

    /// <summary>torchvision <c>resnet50</c>: Bottleneck [3, 4, 6, 3], features 2048.</summary>
    public static ResNetConfig ResNet50 { get; } = new("resnet50", ResidualBlockKind.Bottleneck, [3, 4, 6, 3]);

    public int BaseWidth { get; init; } = TorchvisionBaseWidth;
    public bool SmallImageStem { get; init; }
    public int InChannels { get; init; } = 3;

    /// <summary>Output channels per input plane of a block: 1 (basic) or 4 (bottleneck).</summary>
    public int Expansion => Block == ResidualBlockKind.Bottleneck ? 4 : 1;

    /// <summary>Width of the pooled features, the input of <c>fc</c>: 8 x base x expansion (512 / 2048).</summary>
    public int FeatureDim => BaseWidth * 8 * Expansion;

    public void Validate()
    {
        if (Layers.Count != 4 || Layers.Any(n => n < 1))
            throw new ArgumentException($"{Name}: a ResNet has 4 stages of at least one block each, got [{string.Join(", ", Layers)}]");
        if (BaseWidth < 1) throw new ArgumentException($"{Name}: base width must be positive, got {BaseWidth}");
        if (InChannels < 1) throw new ArgumentException($"{Name}: input channels must be positive, got {InChannels}");
    }
}
