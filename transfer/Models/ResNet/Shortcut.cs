using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.ResNet;

/// <summary>
/// The projection shortcut of torchvision's <c>_make_layer</c>: a 1x1 conv (carrying the stride) and a BatchNorm,
/// named "0" and "1" as in its <c>nn.Sequential</c>, wherever the block changes the stride or the width.
/// </summary>
internal static class Shortcut
{
    public static Sequential? CreateIfNeeded(long inPlanes, long outPlanes, long stride) =>
        stride == 1 && inPlanes == outPlanes
            ? null
            : nn.Sequential(
                ("0", nn.Conv2d(inPlanes, outPlanes, 1, stride: stride, bias: false)),
                ("1", nn.BatchNorm2d(outPlanes)));
}
