using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.ResNet;

/// <summary>
/// torchvision's ResNet BasicBlock (expansion 1): conv3x3-bn-relu-conv3x3-bn plus the identity, or a 1x1 conv + bn
/// "downsample" shortcut when the stride or width changes. Submodule names follow torchvision so its checkpoints map.
/// No dispose scope of its own: <see cref="ResNetModel.Features"/> holds one for the whole forward.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    [ComponentName(Name = "conv1")]
    private readonly Conv2d _conv1;
    [ComponentName(Name = "bn1")]
    private readonly BatchNorm2d _bn1;
    [ComponentName(Name = "conv2")]
    private readonly Conv2d _conv2;
    [ComponentName(Name = "bn2")]
    private readonly BatchNorm2d _bn2;
    [ComponentName(Name = "downsample")]
    private readonly Sequential? _downsample;

    public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
    {
        _conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        _bn1 = nn.BatchNorm2d(planes);
        _conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        _bn2 = nn.BatchNorm2d(planes);
        _downsample = Shortcut.CreateIfNeeded(inPlanes, planes * Expansion, stride);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    public override Tensor forward(Tensor x)
    {
        var h = _bn1.call(_conv1.call(x)).relu_();
        h = _bn2.call(_conv2.call(h));
        var identity = _downsample is null ? x : _downsample.call(x);
        return h.add_(identity).relu_();
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
