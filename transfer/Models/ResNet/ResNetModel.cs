using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.ResNet;

/// <summary>
/// torchvision's <c>ResNet</c> (torchvision/models/resnet.py) with its state-dict names: <c>conv1</c>, <c>bn1</c>,
/// <c>layer1</c>..<c>layer4</c> of <see cref="BasicBlock"/>s or <see cref="Bottleneck"/>s (<c>layer2.0.downsample.0</c>
/// and so on), <c>fc</c>; every BatchNorm with its <c>running_mean</c>, <c>running_var</c> and
/// <c>num_batches_tracked</c> buffers. A torchvision checkpoint's state dict therefore loads by name, unchanged.
/// Stem: 7x7 stride-2 conv + 3x3 stride-2 max-pool (ImageNet), or the small-image stem (<see cref="ResNetConfig"/>).
/// Features: global average pool of layer4, (B, <see cref="ResNetConfig.FeatureDim"/>); head <c>fc</c>.
/// Initialisation as torchvision's: Kaiming-normal (fan_out, ReLU) convs, BatchNorm weight 1 / bias 0, default fc.
/// Input: float (B, C, H, W), already normalised.
/// </summary>
public class ResNetModel : DownstreamModel
{
    private readonly Conv2d _conv1;
    private readonly BatchNorm2d _bn1;
    private readonly Sequential[] _layers;
    private readonly Linear _fc;

    public ResNetModel(ResNetConfig config, int numClasses) : base((config ?? throw new ArgumentNullException(nameof(config))).Name)
    {
        config.Validate();
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "the head needs at least one class");
        Config = config;
        long inPlanes = config.BaseWidth;
        _conv1 = config.SmallImageStem
            ? nn.Conv2d(config.InChannels, inPlanes, 3, stride: 1, padding: 1, bias: false)
            : nn.Conv2d(config.InChannels, inPlanes, 7, stride: 2, padding: 3, bias: false);
        _bn1 = nn.BatchNorm2d(inPlanes);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        _layers = new Sequential[config.Layers.Count];
        for (var stage = 0; stage < _layers.Length; stage++)
        {
            long planes = config.BaseWidth << stage;
            var blocks = new (string, nn.Module<Tensor, Tensor>)[config.Layers[stage]];
            for (var b = 0; b < blocks.Length; b++)
            {
                var stride = b == 0 && stage > 0 ? 2 : 1;
                blocks[b] = (b.ToString(System.Globalization.CultureInfo.InvariantCulture), CreateBlock(config.Block, inPlanes, planes, stride));
                inPlanes = planes * config.Expansion;
            }
            _layers[stage] = nn.Sequential(blocks);
            register_module($"layer{stage + 1}", _layers[stage]);
        }
        _fc = nn.Linear(config.FeatureDim, numClasses);
        register_module("fc", _fc);
        InitialiseLikeTorchvision();
    }

    public ResNetConfig Config { get; }
    public bool SmallImageStem => Config.SmallImageStem;
    public override int FeatureDim => Config.FeatureDim;
    public override string HeadName => "fc";

    public override Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _bn1.call(_conv1.call(x)).relu_();
        if (!Config.SmallImageStem) h = nn.functional.max_pool2d(h, 3, stride: 2, padding: 1);
        foreach (var layer in _layers) h = layer.call(h);
        return h.mean([2, 3]).MoveToOuterDisposeScope(); // adaptive average pool to 1x1, flattened: (B, FeatureDim)
    }

    public override Tensor Head(Tensor features) => _fc.call(features);

    private static nn.Module<Tensor, Tensor> CreateBlock(ResidualBlockKind kind, long inPlanes, long planes, long stride) => kind switch
    {
        ResidualBlockKind.Basic => new BasicBlock(inPlanes, planes, stride),
        ResidualBlockKind.Bottleneck => new Bottleneck(inPlanes, planes, stride),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown residual block"),
    };

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
