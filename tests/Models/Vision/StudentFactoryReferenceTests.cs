using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models.Vision;

/// <summary>
/// The reference checkpoints (written by tests/Fixtures/reference/make_vision_fixtures.py) loaded the way a trial
/// loads a user's file: <c>downstream.init</c> pointing at the safetensors, the config in the grid, the student factory
/// and the architecture's name table (no renaming, pos_embed resampled for a 224-px ViT used at 32 px, the
/// checkpoint's own head kept with <c>newHead: false</c>), then matched against the reference's outputs.
/// </summary>
public sealed class StudentFactoryReferenceTests
{
    private const double Tolerance = 1e-4;

    private static Student Build(string model, string fixture, int size, string config, Dictionary<string, string>? options = null) =>
        StudentFactory.Create(new DownstreamSpec
        {
            Model = model,
            Init = ReferenceFixture.PathOf(fixture + ".safetensors"),
            Config = config,
            Resolution = size,
            NewHead = false,
            Options = options ?? [],
        }, InputShape.Image(3, size, size), numClasses: 5, CPU, seed: 3);

    [Theory]
    [InlineData("vit-p16-d32-i224", 32, """{"embed_dim":32,"depth":2,"num_heads":2,"patch_size":16,"img_size":224}""")]
    [InlineData("vit-p8-d32-i32", 32, """{"embed_dim":32,"depth":2,"num_heads":2,"patch_size":8,"img_size":32}""")]
    public void VitS16_FromATimmFile_MatchesTheReference(string fixture, int size, string config)
    {
        using var student = Build("vit-s16", fixture, size, config);
        AssertMatches(student.Model, fixture, size);
    }

    [Theory]
    [InlineData("resnet18", "resnet18-w4", 64, false)]
    [InlineData("resnet18", "resnet18-w4-small-stem", 32, true)]
    [InlineData("resnet50", "resnet50-w4", 32, false)]
    public void ResNet_FromATorchvisionFile_MatchesTheReference(string model, string fixture, int size, bool smallStem)
    {
        using var student = Build(model, fixture, size, """{"base_width":4}""",
            smallStem ? new Dictionary<string, string> { ["smallImageStem"] = "true" } : null);
        AssertMatches(student.Model, fixture, size);
    }

    private static void AssertMatches(DownstreamModel model, string fixture, int size)
    {
        model.eval();
        using var noGrad = no_grad();
        using var x = ReferenceFixture.Image(size);
        using var expectedFeatures = ReferenceFixture.Output($"{fixture}.{size}.features");
        using var expectedLogits = ReferenceFixture.Output($"{fixture}.{size}.logits");
        using var g = model.Features(x);
        using var logits = model.Head(g);
        Assert.InRange(ReferenceFixture.RelativeError(g, expectedFeatures), 0, Tolerance);
        Assert.InRange(ReferenceFixture.RelativeError(logits, expectedLogits), 0, Tolerance);
    }
}
