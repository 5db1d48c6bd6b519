using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.ResNet;

/// <summary>
/// torchvision's ResNet Bottleneck (expansion 4), "ResNet v1.5": conv1x1-bn-relu, conv3x3 (carrying the stride)-bn-relu,
/// conv1x1 to 4 x planes-bn, plus the identity or the 1x1 conv + bn "downsample" shortcut. Inner width = planes
/// (torchvision's groups 1, width_per_group 64). Names follow torchvision.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    [ComponentName(Name = "conv1")]
    private readonly Conv2d _conv1;
    [ComponentName(Name = "bn1")]
    private readonly BatchNorm2d _bn1;
    [ComponentName(Name = "conv2")]
    private readonly Conv2d _conv2;
    [ComponentName(Name = "bn2")]
    private readonly BatchNorm2d _bn2;
    [ComponentName(Name = "conv3")]
    private readonly Conv2d _conv3;
    [ComponentName(Name = "bn3")]
    private readonly BatchNorm2d _bn3;
    [ComponentName(Name = "downsample")]
    private readonly Sequential? _downsample;

    public Bottleneck(long inPlanes, long planes, long stride) : base(nameof(Bottleneck))
    {
        _conv1 = nn.Conv2d(inPlanes, planes, 1, bias: false);
        _bn1 = nn.BatchNorm2d(planes);
        _conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        _bn2 = nn.BatchNorm2d(planes);
        _conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        _bn3 = nn.BatchNorm2d(planes * Expansion);
        _downsample = Shortcut.CreateIfNeeded(inPlanes, planes * Expansion, stride);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    public override Tensor forward(Tensor x)
    {
        var h = _bn1.call(_conv1.call(x)).relu_();
        h = _bn2.call(_conv2.call(h)).relu_();
        h = _bn3.call(_conv3.call(h));
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
            _conv3.Dispose();
            _bn3.Dispose();
            _downsample?.Dispose();
        }
        base.Dispose(disposing);
    }
}
