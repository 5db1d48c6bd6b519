using AftSweep.Transfer.Models.ResNet;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>resnet18</c>: torchvision's ResNet-18 (<see cref="ResNetConfig.ResNet18"/>, features 512) with <paramref name="channels"/>
/// input channels, optionally with the small-image stem (a 3x3 stride-1 conv1 and no max-pool, for 32x32 inputs).
/// Names, initialisation and random draws are those of <see cref="ResNetModel"/>.
/// </summary>
public sealed class ResNet18Model(int channels, int numClasses, bool smallImageStem)
    : ResNetModel(ResNetConfig.ResNet18 with { InChannels = channels, SmallImageStem = smallImageStem }, numClasses)
{
    public const int Width = 512;
}
