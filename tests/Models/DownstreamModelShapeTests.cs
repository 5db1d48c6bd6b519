using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models;

public sealed class DownstreamModelShapeTests
{
    private static DownstreamModel Create(string name, InputShape input, int classes = 5, Dictionary<string, string>? options = null) =>
        StudentFactory.Create(new DownstreamSpec { Model = name, Options = options ?? [] }, input, classes, CPU, seed: 1).Model;

    private static void AssertShapes(DownstreamModel model, Tensor x, int featureDim, int classes)
    {
        using var scope = NewDisposeScope();
        var g = model.Features(x);
        Assert.Equal(new long[] { x.shape[0], featureDim }, g.shape);
        Assert.Equal(featureDim, model.FeatureDim);
        var logits = model.forward(x);
        Assert.Equal(new long[] { x.shape[0], classes }, logits.shape);
        Assert.True(logits.allclose(model.Head(g)), "forward must equal Head(Features(x))");
    }

    [Fact]
    public void Mlp_VectorInput_Features256AndLogits()
    {
        using var model = Create("mlp", InputShape.Vector(20));
        using var x = randn(4, 20);
        AssertShapes(model, x, 256, 5);
    }

    [Fact]
    public void Mlp_ImageInput_FlattensToFeatures256()
    {
        using var model = Create("mlp", InputShape.Image(3, 8, 8));
        using var x = randn(2, 3, 8, 8);
        AssertShapes(model, x, 256, 5);
    }

    [Fact]
    public void CnnSmall_ImageInput_Features128()
    {
        using var model = Create("cnn-small", InputShape.Image(3, 16, 16));
        using var x = randn(2, 3, 16, 16);
        AssertShapes(model, x, 128, 5);
        Assert.Equal(3 * 32 * 9 + 32 + 32 * 64 * 9 + 64 + 64 * 128 * 9 + 128 + 128 * 5 + 5,
            model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void ResNet18_SmallStem_Features512WithTorchvisionParameterCount()
    {
        using var model = Create("resnet18", InputShape.Image(3, 32, 32), 10, new() { ["smallImageStem"] = "true" });
        model.eval();
        using var x = randn(2, 3, 32, 32);
        AssertShapes(model, x, 512, 10);
        // torchvision resnet18 has 11,689,512 parameters with a 1000-way fc and 7x7 stem; here: 3x3 stem, 10-way fc.
        var expected = 11_689_512L - 64 * 3 * 49 + 64 * 3 * 9 - (512 * 1000 + 1000) + (512 * 10 + 10);
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
        Assert.Contains(model.state_dict().Keys, k => k == "layer2.0.downsample.0.weight");
        Assert.Contains(model.state_dict().Keys, k => k == "fc.weight");
    }

    [Fact]
    public void ResNet18_ImageNetStem_Features512()
    {
        using var model = Create("resnet18", InputShape.Image(3, 64, 64));
        model.eval();
        using var x = randn(2, 3, 64, 64);
        AssertShapes(model, x, 512, 5);
        Assert.Equal(new long[] { 64, 3, 7, 7 }, model.state_dict()["conv1.weight"].shape);
    }

    [Fact]
    public void TextTransformer_TokenIds_FirstTokenFeatures128()
    {
        using var model = Create("text-transformer", InputShape.Tokens(WordPieceTokenizer.MiniLm.VocabularySize, 128), 2);
        using var ids = tensor(new long[] { 101, 7592, 2088, 102, 0, 0, 101, 2307, 102, 0, 0, 0 }, [2, 6]);
        AssertShapes(model, ids, 128, 2);
    }

    [Fact]
    public void TextTransformer_ExtraPadding_DoesNotChangeFeatures()
    {
        using var model = Create("text-transformer", InputShape.Tokens(WordPieceTokenizer.MiniLm.VocabularySize, 128), 2);
        model.eval();
        using var noGrad = no_grad();
        using var shortIds = tensor(new long[] { 101, 7592, 2088, 102 }, [1, 4]);
        using var paddedIds = tensor(new long[] { 101, 7592, 2088, 102, 0, 0, 0, 0, 0, 0 }, [1, 10]);
        using var a = model.Features(shortIds);
        using var b = model.Features(paddedIds);
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5), "[PAD] keys must be masked out of attention");
    }

    [Fact]
    public void Factory_UnknownModel_NamesTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => Create("vit", InputShape.Vector(4)));
        Assert.Contains("'vit'", e.Message);
        Assert.Contains("cnn-small", e.Message);
    }

    [Fact]
    public void Factory_CnnOnVectors_SaysWhatItNeeds()
    {
        var e = Assert.Throws<ArgumentException>(() => Create("cnn-small", InputShape.Vector(4)));
        Assert.Contains("needs image inputs", e.Message);
    }

    [Fact]
    public void Factory_UnknownOption_IsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => Create("mlp", InputShape.Vector(4), options: new() { ["smallImageStem"] = "true" }));
        Assert.Contains("smallImageStem", e.Message);
    }

    [Fact]
    public void Factory_SameSeed_SameInitialWeights()
    {
        using var a = Create("cnn-small", InputShape.Image(3, 8, 8));
        using var b = Create("cnn-small", InputShape.Image(3, 8, 8));
        foreach (var (name, tensorA) in a.state_dict())
            Assert.True(tensorA.allclose(b.state_dict()[name], rtol: 0, atol: 0), name);
    }
}
