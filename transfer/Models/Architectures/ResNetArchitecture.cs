using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary><c>resnet18</c>: torchvision's layout (checkpoints load by name; <c>fc</c> is the head).</summary>
public sealed class ResNetArchitecture() : ImageArchitecture(Contracts.Grid.DownstreamModels.ResNet18)
{
    protected override ImagePreprocessing FamilyDefault => ImagePreprocessing.ImageNet;

    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        var data = Require(request, InputKind.Image);
        var smallStem = request.Options.Bool("smallImageStem", false);
        var preprocessing = Preprocessing(request);
        return new StudentBlueprint
        {
            Construct = () => new ResNet18Model(data.Channels, request.NumClasses, smallStem),
            Input = new ImageStudentInput(preprocessing),
            Names = new CheckpointNameTable { Prefixes = ["module.", "model."] },
            Summary = $"{Name} ({(smallStem ? "small-image" : "ImageNet")} stem, input {preprocessing.Resolution?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "as stored"} px, {preprocessing.Name})",
        };
    }
}
