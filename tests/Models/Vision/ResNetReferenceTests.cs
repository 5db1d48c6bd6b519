using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.ResNet;
using TorchSharp;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models.Vision;

/// <summary>
/// <see cref="ResNetModel"/> against the plain-torch port of torchvision's ResNet in
/// tests/Fixtures/reference/make_vision_fixtures.py: the reference's safetensors load by name with no renaming
/// (num_batches_tracked included), and features and logits in eval mode match its float64 outputs.
/// </summary>
public sealed class ResNetReferenceTests
{
    // Models are built under SeededConstruction and inputs drawn from this generator: libtorch's global generator is
    // shared with tests running in parallel (same-seed tests elsewhere would see their draws interleaved).
    private readonly Generator Inputs = new(7);

    // float32 forward vs the float64 reference: torch 1.13's own float32 forward is up to 5.4e-5 off it on
    // resnet50-w4 (50 layers of random, BatchNorm-calibrated weights) and 2.6e-6 on resnet18-w4.
    // float64 forward vs the same: only summation order differs.
    private const double Float32Tolerance = 1e-4;
    private const double Float64Tolerance = 1e-12;

    private static ResNetConfig FixtureConfig(string fixture) => fixture switch
    {
        "resnet18-w4" => ResNetConfig.ResNet18 with { BaseWidth = 4 },
        "resnet18-w4-small-stem" => ResNetConfig.ResNet18 with { BaseWidth = 4, SmallImageStem = true },
        "resnet50-w4" => ResNetConfig.ResNet50 with { BaseWidth = 4 },
        _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, null),
    };

    [Theory]
    [InlineData("resnet18-w4", 32)]
    [InlineData("resnet18-w4", 64)]
    [InlineData("resnet18-w4-small-stem", 32)]
    [InlineData("resnet50-w4", 32)]
    [InlineData("resnet50-w4", 64)]
    public void ResNet_TorchvisionNamedWeights_MatchTheReferenceOutputs(string fixture, int size)
    {
        using var model = SeededConstruction.Build(1, () => new ResNetModel(FixtureConfig(fixture), numClasses: 5));
        ReferenceFixture.LoadByName(model, fixture + ".safetensors");
        model.eval();
        using var noGrad = no_grad();
        using var x = ReferenceFixture.Image(size);
        using var expectedFeatures = ReferenceFixture.Output($"{fixture}.{size}.features");
        using var expectedLogits = ReferenceFixture.Output($"{fixture}.{size}.logits");

        using (var g = model.Features(x))
        using (var logits = model.Head(g))
        {
            Assert.InRange(ReferenceFixture.RelativeError(g, expectedFeatures), 0, Float32Tolerance);
            Assert.InRange(ReferenceFixture.RelativeError(logits, expectedLogits), 0, Float32Tolerance);
        }

        model.to(ScalarType.Float64);
        using var x64 = x.to(ScalarType.Float64);
        using var g64 = model.Features(x64);
        using var logits64 = model.Head(g64);
        Assert.InRange(ReferenceFixture.RelativeError(g64, expectedFeatures), 0, Float64Tolerance);
        Assert.InRange(ReferenceFixture.RelativeError(logits64, expectedLogits), 0, Float64Tolerance);
    }

    [Theory]
    [InlineData("resnet18", "resnet18-w4.safetensors", 11_689_512L, 512)]
    [InlineData("resnet50", "resnet50-w4.safetensors", 25_557_032L, 2048)]
    public void ResNet_TorchvisionPreset_HasTorchvisionsNamesAndParameterCount(string name, string fixture, long parameters, int features)
    {
        var config = name == "resnet18" ? ResNetConfig.ResNet18 : ResNetConfig.ResNet50;
        using var model = SeededConstruction.Build(1, () => new ResNetModel(config, numClasses: 1000));

        // torchvision.models.resnet18() / resnet50(): 11,689,512 / 25,557,032 parameters with the 1000-way fc.
        Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
        Assert.Equal(features, model.FeatureDim);
        // Names do not depend on the base width, so the full-size model has exactly the reference checkpoint's names.
        Assert.Equal(ReferenceFixture.Read(fixture).Keys.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 64, 3, 7, 7 }, model.state_dict()["conv1.weight"].shape);
        Assert.Equal(ScalarType.Int64, model.state_dict()["layer4.1.bn2.num_batches_tracked"].dtype);
    }

    [Fact]
    public void ResNet50_ImageNetStemAt32Pixels_GivesFeatures2048()
    {
        using var model = SeededConstruction.Build(1, () => new ResNetModel(ResNetConfig.ResNet50, numClasses: 10));
        model.eval();
        using var noGrad = no_grad();
        using var x = randn(2, 3, 32, 32, generator: Inputs);
        using var g = model.Features(x);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 2, 2048 }, g.shape);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        Assert.Equal(new long[] { 256, 64, 1, 1 }, model.state_dict()["layer1.0.downsample.0.weight"].shape);
        Assert.Equal(new long[] { 128, 128, 3, 3 }, model.state_dict()["layer2.0.conv2.weight"].shape); // v1.5: stride on the 3x3
    }

    [Fact]
    public void ResNet18Model_KeepsItsConstructorAndIsTheResNet18Preset()
    {
        using var model = SeededConstruction.Build(1, () => new ResNet18Model(channels: 1, numClasses: 3, smallImageStem: true));
        Assert.Equal("resnet18", model.GetName());
        Assert.True(model.SmallImageStem);
        Assert.Equal(ResNet18Model.Width, model.FeatureDim);
        Assert.Equal(new long[] { 64, 1, 3, 3 }, model.state_dict()["conv1.weight"].shape);
        Assert.Equal(new long[] { 3, 512 }, model.state_dict()["fc.weight"].shape);
    }

    [Fact]
    public void ResNetConfig_ThreeStages_IsRejectedWithItsName()
    {
        var e = Assert.Throws<ArgumentException>(() => SeededConstruction.Build(1, () => new ResNetModel(ResNetConfig.ResNet18 with { Layers = [2, 2, 2] }, 5)));
        Assert.Contains("resnet18", e.Message);
        Assert.Contains("4 stages", e.Message);
    }
}
