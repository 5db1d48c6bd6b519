using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// torchvision's ResNet BasicBlock (expansion 1): conv3x3-bn-relu-conv3x3-bn plus the identity, or a 1x1 conv + bn
/// "downsample" shortcut when the stride or width changes. Submodule names follow torchvision so its checkpoints map.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Conv2d _conv2;
    private readonly BatchNorm2d _bn2;
    private readonly Sequential? _downsample;

    public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
    {
        _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        _bn1 = nn.BatchNorm2d(planes);
        _conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        _bn2 = nn.BatchNorm2d(planes);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        if (stride != 1 || inPlanes != planes)
        {
            _downsample = nn.Sequential(
                ("0", nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false)),
                ("1", nn.BatchNorm2d(planes)));
            register_module("downsample", _downsample);
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_bn1.call(_conv1.call(x)));
        h = _bn2.call(_conv2.call(h));
        var identity = _downsample is null ? x : _downsample.call(x);
        return nn.functional.relu(h.add_(identity)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _conv1.Dispose();
            _bn1.Dispose();
            _conv2.Dispose();
            _bn2.Dispose();
            _downsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
