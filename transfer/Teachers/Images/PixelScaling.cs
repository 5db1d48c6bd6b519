namespace AftSweep.Transfer.Teachers.Images;

public enum PixelScaling
{
    /// <summary>RGB values 0..255 as floats (what ResNet18's preprocessing graph takes).</summary>
    Raw255 = 1,
    /// <summary>(v / 255 - mean) / std with the ImageNet RGB mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    ImageNet = 2,
}
