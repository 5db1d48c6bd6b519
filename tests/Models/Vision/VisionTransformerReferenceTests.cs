using AftSweep.Transfer.Models.Vit;
using TorchSharp;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models.Vision;

/// <summary>
/// <see cref="VisionTransformerModel"/> against the plain-torch port of timm's VisionTransformer in
/// tests/Fixtures/reference/make_vision_fixtures.py: timm-named safetensors load with no renaming, and features
/// (the normed class token) and logits match its float64 outputs, both at the checkpoint's own resolution and for a
/// 224-px checkpoint used at 32 and 64 px (pos_embed resampled as timm's checkpoint_filter_fn does).
/// </summary>
public sealed class VisionTransformerReferenceTests
{
    // Models are built under SeededConstruction and inputs drawn from this generator: libtorch's global generator is
    // shared with tests running in parallel (same-seed tests elsewhere would see their draws interleaved).
    private readonly Generator Inputs = new(7);

    private const double Float32Tolerance = 1e-5;
    private const double Float64Tolerance = 1e-12;

    private static VitConfig Tiny(int patchSize, int imageSize) => new("vit-tiny-test", 32, 2, 2, 4.0, patchSize, imageSize);

    [Theory]
    [InlineData("vit-p8-d32-i32", 8, 32, 32)]    // no resampling
    [InlineData("vit-p16-d32-i224", 16, 224, 32)] // 14x14 grid resampled to 2x2
    [InlineData("vit-p16-d32-i224", 16, 224, 64)] // 14x14 grid resampled to 4x4
    public void Vit_TimmNamedWeights_MatchTheReferenceOutputs(string fixture, int patchSize, int trainedAt, int size)
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(Tiny(patchSize, trainedAt), numClasses: 5, imageSize: size));
        ReferenceFixture.LoadByName(model, fixture + ".safetensors",
            (name, t) => name == "pos_embed" ? model.AdaptPositionEmbedding(t) : t);
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

        model.to(ScalarType.Float64); // cls_token and pos_embed are read through get_parameter, so they follow
        if (trainedAt != size)
        {
            // Both sides resample pos_embed in float32 (as timm does), where libtorch versions may round differently
            // (PositionEmbeddingTests bounds that); take the reference's resample so this checks the float64 forward.
            using var noGradCopy = no_grad();
            using var resampled = ReferenceFixture.Output($"{fixture}.pos_embed.{model.Grid}x{model.Grid}");
            model.PosEmbed.copy_(resampled);
        }
        using var x64 = x.to(ScalarType.Float64);
        using var g64 = model.Features(x64);
        using var logits64 = model.Head(g64);
        Assert.InRange(ReferenceFixture.RelativeError(g64, expectedFeatures), 0, Float64Tolerance);
        Assert.InRange(ReferenceFixture.RelativeError(logits64, expectedLogits), 0, Float64Tolerance);
    }

    [Fact]
    public void VitS16_Preset_HasTimmsParameterCountAndNames()
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(VitConfig.VitS16, numClasses: 1000));

        // timm.create_model('vit_small_patch16_224'): 22,050,664 parameters with the 1000-way head.
        Assert.Equal(22_050_664L, model.parameters().Sum(p => p.numel()));
        Assert.Equal(384, model.FeatureDim);
        var state = model.state_dict();
        Assert.Equal(new long[] { 1, 197, 384 }, state["pos_embed"].shape);
        Assert.Equal(new long[] { 1, 1, 384 }, state["cls_token"].shape);
        Assert.Equal(new long[] { 384, 3, 16, 16 }, state["patch_embed.proj.weight"].shape);
        Assert.Equal(new long[] { 1152, 384 }, state["blocks.11.attn.qkv.weight"].shape);
        Assert.Equal(new long[] { 1536, 384 }, state["blocks.11.mlp.fc1.weight"].shape);
        // Besides the block count, the same names as the reference checkpoint.
        var blockZeroAndRest = state.Keys.Where(k => !k.StartsWith("blocks.", StringComparison.Ordinal) || k.StartsWith("blocks.0.", StringComparison.Ordinal) || k.StartsWith("blocks.1.", StringComparison.Ordinal));
        Assert.Equal(ReferenceFixture.Read("vit-p16-d32-i224.safetensors").Keys.Order(StringComparer.Ordinal), blockZeroAndRest.Order(StringComparer.Ordinal));
        Assert.Equal(12 * 12 + 8, state.Count);
    }

    [Theory]
    [InlineData(32, 2)]
    [InlineData(64, 4)]
    public void VitS16_SmallImages_RunOnTheirPatchGrid(int size, int grid)
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(VitConfig.VitS16, numClasses: 10, imageSize: size));
        Assert.Equal(grid, model.Grid);
        Assert.Equal(new long[] { 1, 1 + grid * grid, 384 }, model.PosEmbed.shape);
        using var x = randn(3, 3, size, size, generator: Inputs);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 3, 10 }, logits.shape);
    }

    [Fact]
    public void Vit_Backward_ReachesEveryParameter()
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(Tiny(8, 32), numClasses: 3));
        using var x = randn(4, 3, 32, 32, generator: Inputs);
        using var loss = model.forward(x).square().mean();
        loss.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} has an all-zero gradient");
        }
    }

    [Fact]
    public void Vit_InputAtAnotherResolution_IsRejectedWithBothSizes()
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(Tiny(8, 32), numClasses: 3));
        using var x = randn(1, 3, 64, 64, generator: Inputs);
        var e = Assert.Throws<ArgumentException>(() => model.Features(x));
        Assert.Contains("3x32x32", e.Message);
        Assert.Contains("[1, 3, 64, 64]", e.Message);
    }

    [Fact]
    public void Vit_ResolutionNotAMultipleOfThePatch_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => SeededConstruction.Build(1, () => new VisionTransformerModel(VitConfig.VitS16, numClasses: 3, imageSize: 40)));
        Assert.Contains("vit-s16", e.Message);
        Assert.Contains("16-px patch", e.Message);
    }
}
