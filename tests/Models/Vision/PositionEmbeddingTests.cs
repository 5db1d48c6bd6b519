using AftSweep.Transfer.Models.Vit;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models.Vision;

/// <summary>
/// <see cref="PositionEmbedding.Resample"/> against timm's resample_abs_pos_embed run by the reference script with
/// torch 1.13's own F.interpolate (bicubic, align_corners=False, antialias=True unless stated) on a 224-px (14x14)
/// pos_embed of width 32.
/// </summary>
public sealed class PositionEmbeddingTests
{
    // Models are built under SeededConstruction and inputs drawn from this generator: libtorch's global generator is
    // shared with tests running in parallel (same-seed tests elsewhere would see their draws interleaved).
    private readonly Generator Inputs = new(7);

    // Both sides interpolate in float32; libtorch 2.10 and torch 1.13 may order the kernel sums differently.
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(2, 2, true)]   // 224-px weights at 32 px
    [InlineData(4, 4, true)]   // 224-px weights at 64 px
    [InlineData(2, 4, true)]   // non-square target
    [InlineData(16, 16, true)] // enlarging (224 to 256 px)
    [InlineData(4, 4, false)]  // older timm, no antialiasing
    public void Resample_224PixelGrid_MatchesTimmsResampling(int height, int width, bool antialias)
    {
        var stored = ReferenceFixture.Read("vit-p16-d32-i224.safetensors")["pos_embed"];
        using var posEmbed = stored.ToTensor();
        using var expected = ReferenceFixture.Output($"vit-p16-d32-i224.pos_embed.{height}x{width}{(antialias ? "" : ".no-antialias")}");

        using var resampled = PositionEmbedding.Resample(posEmbed, (height, width), antialias: antialias);

        Assert.Equal(ScalarType.Float32, resampled.dtype);
        Assert.InRange(ReferenceFixture.RelativeError(resampled, expected), 0, Tolerance);
        using var classToken = resampled.narrow(1, 0, 1);
        using var storedClassToken = posEmbed.narrow(1, 0, 1);
        Assert.True(classToken.allclose(storedClassToken, rtol: 0, atol: 0), "the class-token row must be kept as is");
    }

    [Fact]
    public void Resample_SameSquareGrid_ReturnsTheSameValues()
    {
        using var posEmbed = randn(1, 17, 8, generator: Inputs);
        using var same = PositionEmbedding.Resample(posEmbed, (4, 4));
        Assert.True(same.allclose(posEmbed, rtol: 0, atol: 0));
    }

    [Fact]
    public void Resample_Float64Input_StaysFloat64()
    {
        using var posEmbed = randn(1, 17, 8, dtype: ScalarType.Float64, generator: Inputs);
        using var resampled = PositionEmbedding.Resample(posEmbed, (2, 2));
        Assert.Equal(ScalarType.Float64, resampled.dtype);
        Assert.Equal(new long[] { 1, 5, 8 }, resampled.shape);
    }

    [Fact]
    public void Resample_RowsThatAreNotASquareGrid_SaySo()
    {
        using var posEmbed = randn(1, 1 + 12, 8, generator: Inputs);
        var e = Assert.Throws<ArgumentException>(() => PositionEmbedding.Resample(posEmbed, (2, 2)));
        Assert.Contains("12 grid rows", e.Message);
        using var fromExplicitGrid = PositionEmbedding.Resample(posEmbed, (2, 2), oldGrid: (3, 4));
        Assert.Equal(new long[] { 1, 5, 8 }, fromExplicitGrid.shape);
    }

    [Fact]
    public void AdaptPositionEmbedding_WrongWidth_NamesBothShapes()
    {
        using var model = SeededConstruction.Build(1, () => new VisionTransformerModel(new VitConfig("vit-tiny-test", 32, 1, 2, 4.0, 16, 224), numClasses: 2, imageSize: 32));
        using var stored = randn(1, 197, 64, generator: Inputs);
        var e = Assert.Throws<ArgumentException>(() => model.AdaptPositionEmbedding(stored));
        Assert.Contains("[1, tokens, 32]", e.Message);
        Assert.Contains("[1, 197, 64]", e.Message);
    }
}
