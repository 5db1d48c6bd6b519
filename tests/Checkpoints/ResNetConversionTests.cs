using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Models.Checkpoints.Onnx;
using AftSweep.Transfer.Models.ResNet;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Teachers.Images;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AftSweep.Tests.Checkpoints;

[Collection(OfflineCheckpointCollection.Name)]
public sealed class ResNetConversionTests(OfflineCheckpointFixture checkpoints, ITestOutputHelper output)
{
    private static readonly int[] CntkBlocks = [2, 2, 2, 3];

    private OnnxConversion Conversion => checkpoints[OnnxCheckpoints.ResNet18ImageNet];

    [Fact]
    public void Tensors_AreExactlyTheTorchvisionStateDict_OfThe2223BlockLayoutTheExportHas()
    {
        using var model = new ResNetModel(ResNetConfig.ResNet18 with { Layers = CntkBlocks }, 10);
        var expected = model.state_dict()
            .Where(kv => !model.IsHeadEntry(kv.Key) && !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Select(kv => (kv.Key, "[" + string.Join(", ", kv.Value.shape) + "]"))
            .Order();

        var actual = Conversion.Tensors.Select(kv => (kv.Key, kv.Value.ShapeText)).Order();

        Assert.Equal(expected, actual);
        Assert.Equal(110, Conversion.Tensors.Count);
        Assert.Contains("layer4.2.conv2.weight", Conversion.Tensors.Keys);
        Assert.Contains("\"layers\": [2, 2, 2, 3]", Conversion.ConfigJson);
        Assert.Contains("[2, 2, 2, 3]", Conversion.Description);
    }

    [Fact]
    public void BatchNormInputs_BecomeWeightBiasRunningMeanAndRunningVar()
    {
        // The stem's BatchNormalization251 reads (X, Parameter96, Parameter97, Constant98, Constant99) in the file.
        var graph = checkpoints.Model(OnnxCheckpoints.ResNet18ImageNet).Graph;
        string[] names = ["Parameter96", "Parameter97", "Constant98", "Constant99"];
        string[] fields = ["bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"];

        for (var k = 0; k < 4; k++)
        {
            using var converted = Conversion.Tensors[fields[k]].ToTensor();
            Assert.Equal(graph.Initializers[names[k]].ToFloats(), converted.data<float>().ToArray());
        }
        using var variance = Conversion.Tensors["bn1.running_var"].ToTensor();
        Assert.True(variance.min().item<float>() > 0, "running variances are positive");
    }

    [Fact]
    public async Task ConvertedResNet_ReproducesTheTeachersFeaturesOnCifar10()
    {
        // Built as a trial builds the student: the offline source through the factory and name table, the images
        // through the student's own input pipeline (upsampled to 224, RGB to BGR, minus the mean image).
        var data = CheckpointTestData.Cifar10(10); // one image per class
        var images = data.Test.Images!;
        using var teacher = new TeacherFactory().Create(OnnxCheckpoints.ResNet18ImageNet, ".");
        var expected = await teacher.ExtractAsync(data, SplitName.Test, 0, images.Count, null, CancellationToken.None);
        var spec = new DownstreamSpec { Model = "resnet18", Init = OnnxCheckpoints.ResNet18ImageNet, Resolution = 224 };
        using var student = StudentFactory.Create(spec, InputShape.Of(data.Test), 10, CPU, seed: 0);
        var model = student.Model;
        model.eval();
        float[] actual;
        using (var inputs = student.Input.Load(data.Test, CPU))
        using (no_grad())
        using (NewDisposeScope())
            actual = model.Features(inputs.Gather(arange(images.Count, dtype: ScalarType.Int64))).data<float>().ToArray();

        double worstRelative = 0, worstAbsolute = 0;
        for (var r = 0; r < images.Count; r++)
        {
            double difference = 0, norm = 0;
            for (var j = 0; j < 512; j++)
            {
                var d = actual[r * 512 + j] - expected.Data[r * 512 + j];
                difference += d * d;
                norm += (double)expected.Data[r * 512 + j] * expected.Data[r * 512 + j];
                worstAbsolute = Math.Max(worstAbsolute, Math.Abs(d));
            }
            worstRelative = Math.Max(worstRelative, Math.Sqrt(difference / norm));
        }
        output.WriteLine($"max over {images.Count} CIFAR-10 images of ||student - teacher||_2 / ||teacher||_2 = {worstRelative:E2}; max abs difference {worstAbsolute:E2}");
        Assert.Equal(10, data.ClassNames.Count);
        Assert.True(worstRelative <= 1e-3, $"the converted ResNet differs from the ONNX teacher by up to {worstRelative:E2} (relative L2)");
    }

    [Fact]
    public void Preprocessing_IsRgbToBgrMinusTheTeachersMeanImage_AsData()
    {
        var p = Conversion.Preprocessing!;
        var teacherMean = ResNetMeanImage.Load("test", BundledModels.ResNet18Preprocess, 224).Bgr.ToArray();

        Assert.Equal(("RGB", "BGR", 1f), (p.InputChannels, p.OutputChannels, p.Scale));
        Assert.Equal([2, 1, 0], p.ChannelOrder);
        Assert.Equal([3L, 224, 224], p.MeanShape);
        Assert.Null(p.Std);
        Assert.Equal(teacherMean, p.Mean);
    }

    [Theory]
    [InlineData(224, true)]
    [InlineData(64, true)]
    [InlineData(112, true)]
    [InlineData(225, false)]
    [InlineData(63, false)]
    public void ExportsAsymmetricPadding_EqualsTorchvisionsSymmetricPadding_ForEvenSizesOnly(int side, bool same)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = Conversion.Tensors["conv1.weight"].ToTensor();
        var x = rand(new long[] { 1, 3, side, side }, generator: new Generator(14)) * 255;

        // The export: [top, left, bottom, right] = [3, 3, 2, 2] on the 7x7 stride-2 stem, [1, 1, 0, 0] on the max-pool.
        var exported = nn.functional.max_pool2d(
            nn.functional.pad(nn.functional.conv2d(nn.functional.pad(x, [3, 2, 3, 2]), weight, strides: [2, 2]), [1, 0, 1, 0], value: double.NegativeInfinity),
            3, stride: 2);
        var torchvision = nn.functional.max_pool2d(nn.functional.conv2d(x, weight, strides: [2, 2], padding: [3, 3]), 3, stride: 2, padding: 1);

        Assert.Equal(same, exported.shape.SequenceEqual(torchvision.shape));
        if (same) Assert.True(exported.allclose(torchvision, rtol: 1e-5, atol: 1e-3), $"side {side}: the outputs differ");
    }

    [Fact]
    public void GraphThatStopsAfterTheStemConvolution_IsNotAResNet_AndSaysWhatWasExpected()
    {
        var graph = new ProtoWriter()
            .Message(1, OnnxBuilder.Node("Conv", ["image", "w"], ["y"], "Convolution1", OnnxBuilder.IntsAttribute("strides", 2, 2), OnnxBuilder.IntsAttribute("pads", 3, 3, 3, 3)))
            .Message(5, OnnxBuilder.FloatTensor("w", [64, 3, 7, 7], new float[64 * 3 * 49]))
            .Message(11, OnnxBuilder.ValueInfo("image", 1, 3, 224, 224))
            .Message(12, OnnxBuilder.ValueInfo("y", 1, 64, 112, 112));
        var model = OnnxModelReader.Read(OnnxBuilder.Model(graph), "stem-only.onnx");

        var e = Assert.Throws<InvalidDataException>(() => ResNetOnnxConverter.Convert(model, null, "test", "a test graph"));

        Assert.Contains("ONNX file 'stem-only.onnx' is not a convertible ResNet", e.Message);
        Assert.Contains("expected one BatchNormalization (the stem batch norm) reading 'y', found no readers", e.Message);
    }
}
