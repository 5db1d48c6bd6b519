namespace AftSweep.Transfer.Models.ResNet;

/// <summary>torchvision's two ResNet blocks.</summary>
public enum ResidualBlockKind
{
    /// <summary>Two 3x3 convs, expansion 1 (resnet18, resnet34).</summary>
    Basic,

    /// <summary>1x1, 3x3 (carries the stride: torchvision's "v1.5"), 1x1 with expansion 4 (resnet50 and deeper).</summary>
    Bottleneck,
}
