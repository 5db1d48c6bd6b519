using System.Globalization;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Models.ResNet;
using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// <c>resnet18</c>, <c>resnet50</c>: torchvision's ResNet (checkpoints load by name; <c>fc</c> is the head). Config
/// keys: <c>layers</c> (blocks per stage; the offline ResNet-18 says [2, 2, 2, 3]), <c>base_width</c>, <c>mean</c>,
/// <c>std</c>. Option: <c>smallImageStem</c> (3x3 stride-1 conv1, no max-pool; cannot load a 7x7 stem).
/// </summary>
public sealed class ResNetArchitecture(string name, ResNetConfig preset) : ImageArchitecture(name)
{
    public static ResNetArchitecture ResNet18 { get; } = new(Contracts.Grid.DownstreamModels.ResNet18, ResNetConfig.ResNet18);
    public static ResNetArchitecture ResNet50 { get; } = new(Contracts.Grid.DownstreamModels.ResNet50, ResNetConfig.ResNet50);

    protected override ImagePreprocessing FamilyDefault => ImagePreprocessing.ImageNet;

    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        var data = Require(request, InputKind.Image);
        var config = request.Config;
        var resnet = preset with
        {
            InChannels = data.Channels,
            SmallImageStem = request.Options.Bool("smallImageStem", false),
            Layers = config.Ints("layers", 4) ?? preset.Layers,
            BaseWidth = config.Int("base_width", preset.BaseWidth),
        };
        if (config.Has("block") && config.String("block") != (resnet.Block == ResidualBlockKind.Bottleneck ? "Bottleneck" : "BasicBlock"))
            throw new CheckpointException(config.Source, $"the config's block '{config.String("block")}' is not {Name}'s");
        try
        {
            resnet.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(config.Source, e.Message);
        }
        var preprocessing = Preprocessing(request);
        return new StudentBlueprint
        {
            Construct = () => new ResNetModel(resnet, request.NumClasses),
            Input = new ImageStudentInput(preprocessing),
            Names = new CheckpointNameTable { Prefixes = ["module.", "model."] },
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"{Name} (blocks [{string.Join(", ", resnet.Layers)}], {(resnet.SmallImageStem ? "small-image" : "ImageNet")} stem, input {preprocessing.Resolution?.ToString(CultureInfo.InvariantCulture) ?? "as stored"} px, {preprocessing.Name})"),
        };
    }
}
