using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>resnet18</c> in torchvision's layout (conv1, bn1, layer1..layer4 of two BasicBlocks, fc head; features 512),
/// with torchvision's initialisation (Kaiming-normal fan_out convs, BN weight 1 / bias 0). Names match torchvision,
/// so an ImageNet checkpoint exported to safetensors loads as <c>init</c> (fc stays fresh).
/// <c>smallImageStem</c>: a 3x3 stride-1 conv1 and no max-pool, the usual stem for 32x32 inputs.
/// <c>blocksPerStage</c>: basic blocks in layer1..layer4, torchvision's [2, 2, 2, 2] by default; the offline
/// ImageNet checkpoint (<c>onnx:resnet18-imagenet</c>, CNTK's ResNet-18 recipe) has [2, 2, 2, 3].
/// </summary>
public sealed class ResNet18Model : DownstreamModel
{
    public const int Width = 512;
    public static readonly IReadOnlyList<int> TorchvisionBlocks = [2, 2, 2, 2];

    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential[] _layers;
    private readonly Linear _fc;

    public ResNet18Model(int channels, int numClasses, bool smallImageStem, IReadOnlyList<int>? blocksPerStage = null) : base("resnet18")
    {
        blocksPerStage ??= TorchvisionBlocks;
        if (blocksPerStage.Count != 4 || blocksPerStage.Any(b => b < 1))
            throw new ArgumentException($"a ResNet has 4 stages of at least one block, got [{string.Join(", ", blocksPerStage)}]", nameof(blocksPerStage));
        SmallImageStem = smallImageStem;
        BlocksPerStage = blocksPerStage.ToArray();
        _conv1 = smallImageStem
            ? nn.Conv2d(channels, 64, 3, stride: 1, padding: 1, bias: false)
            : nn.Conv2d(channels, 64, 7, stride: 2, padding: 3, bias: false);
        _bn1 = nn.BatchNorm2d(64);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        long inPlanes = 64;
        var widths = new long[] { 64, 128, 256, 512 };
        _layers = new Sequential[widths.Length];
        for (var i = 0; i < widths.Length; i++)
        {
            var stride = i == 0 ? 1 : 2;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)> { ("0", new BasicBlock(inPlanes, widths[i], stride)) };
            for (var b = 1; b < blocksPerStage[i]; b++) blocks.Add((b.ToString(System.Globalization.CultureInfo.InvariantCulture), new BasicBlock(widths[i], widths[i], 1)));
            _layers[i] = nn.Sequential(blocks.ToArray());
            inPlanes = widths[i];
            register_module($"layer{i + 1}", _layers[i]);
        }
        _fc = nn.Linear(Width, numClasses);
        register_module("fc", _fc);
        InitialiseLikeTorchvision();
    }

    public bool SmallImageStem { get; }
    public IReadOnlyList<int> BlocksPerStage { get; }
    public override int FeatureDim => Width;
    public override string HeadName => "fc";

    public override Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_bn1.call(_conv1.call(x)));
        if (!SmallImageStem) h = nn.functional.max_pool2d(h, 3, stride: 2, padding: 1);
        foreach (var layer in _layers) h = layer.call(h);
        return h.mean([2, 3]).MoveToOuterDisposeScope(); // adaptive average pool to 1x1, flattened: (B, 512)
    }

    public override Tensor Head(Tensor features) => _fc.call(features);

    private void InitialiseLikeTorchvision()
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _conv1.Dispose();
            _bn1.Dispose();
            foreach (var layer in _layers) layer.Dispose();
            _fc.Dispose();
        }
        base.Dispose(disposing);
    }
}
