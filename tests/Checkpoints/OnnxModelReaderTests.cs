using AftSweep.Tests.Data;
using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Models.Checkpoints.Onnx;
using AftSweep.Transfer.Teachers.Images;

namespace AftSweep.Tests.Checkpoints;

public sealed class OnnxModelReaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void BundledMiniLm_ReadsProducerOpsetInputsInitializersAndNodes()
    {
        var model = OnnxModelReader.Read(BundledModels.MiniLm.ReadModel(), "minilm.onnx");

        Assert.Equal(("pytorch", "1.10", 13L), (model.ProducerName, model.ProducerVersion, model.Opset));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], model.Graph.Inputs.Select(i => i.Name));
        Assert.Equal("[batch, sequence]", model.Graph.Inputs[0].ShapeText);
        Assert.Equal(148, model.Graph.Initializers.Count);
        var words = model.Graph.Initializers["embeddings.word_embeddings.weight"];
        Assert.Equal((OnnxDataType.Float, "[30522, 384]", true), (words.DataType, words.ShapeText, words.HasRawData));
        Assert.Equal(Enumerable.Range(0, 512).Select(i => (long)i), model.Graph.Initializers["embeddings.position_ids"].ToInt64s());
        // The first query projection: MatMul of the embeddings' LayerNorm output with initializer 927, as in the file.
        var matMul = model.Graph.Nodes.First(n => n.OpType == "MatMul");
        Assert.Equal("927", matMul.Inputs[1]);
        Assert.Equal("[384, 384]", model.Graph.Initializers["927"].ShapeText);
        Assert.Equal("Add", Assert.Single(model.Graph.Consumers(matMul.Outputs[0])).OpType);
        var gelu = model.Graph.Nodes.First(n => n.OpType == "Erf");
        Assert.Equal("Div", model.Graph.Producer(gelu.Inputs[0])!.OpType);
        Assert.Equal(1.4142135f, model.Graph.Constant(model.Graph.Producer(gelu.Inputs[0])!.Inputs[1])!.ToFloats()[0]);
    }

    [Fact]
    public void BundledResNet18_ReadsFloatDataTensorsAndConvAttributes()
    {
        var model = OnnxModelReader.Read(BundledModels.ResNet18Model);

        Assert.Equal(("CNTK", "2.6", 8L), (model.ProducerName, model.ProducerVersion, model.Opset));
        Assert.Equal(110, model.Graph.Initializers.Count);
        Assert.All(model.Graph.Initializers.Values, t => Assert.False(t.HasRawData)); // CNTK writes float_data
        var stem = model.Graph.Nodes[0];
        Assert.Equal(("Conv", "Input247"), (stem.OpType, stem.Inputs[0]));
        Assert.Equal([3L, 3, 2, 2], stem.Ints("pads"));
        Assert.Equal([2L, 2], stem.Ints("strides"));
        Assert.Equal("[64, 3, 7, 7]", model.Graph.Initializers[stem.Inputs[1]].ShapeText);
        var bn = model.Graph.Nodes[1];
        Assert.Equal(("BatchNormalization", 1e-5f, 5), (bn.OpType, bn.Float("epsilon"), bn.Inputs.Count));
        Assert.Equal("[1, 512, 1, 1]", Assert.Single(model.Graph.Outputs).ShapeText);
    }

    [Fact]
    public void PreprocessingMeanImage_ReadFromFloatData_EqualsWhatOnnxRuntimeSubtracts()
    {
        // ResNetMeanImage runs the graph in ONNX Runtime on zeros: an independent reading of the same tensor.
        var model = OnnxModelReader.Read(BundledModels.ResNet18Preprocess);
        var fromRuntime = ResNetMeanImage.Load("test", BundledModels.ResNet18Preprocess, 224).Bgr.ToArray();

        var mean = model.Graph.Initializers["MeanImage"];

        Assert.Equal("[1, 3, 224, 224]", mean.ShapeText);
        Assert.Equal(fromRuntime, mean.ToFloats());
    }

    [Fact]
    public void HandBuiltModel_PackedAndUnpackedFieldsAndFloatDataOrRawData_ReadTheSame()
    {
        float[] w = [1, 2, 3, 4, 5, 6];
        var graph = new ProtoWriter()
            .Message(1, OnnxBuilder.Node("Conv", ["x", "w"], ["y"], "c", OnnxBuilder.IntsAttribute("pads", 1, 1, 0, 0),
                new ProtoWriter().String(1, "epsilon").Fixed32(2, 0.5f).Varint(20, 1),
                new ProtoWriter().String(1, "mode").Bytes(4, "same"u8.ToArray()).Varint(20, 3),
                new ProtoWriter().String(1, "strides").PackedVarints(8, 2, 2).Varint(20, 7)))
            .Message(5, OnnxBuilder.FloatTensor("raw", [2, 3], w, raw: true))
            .Message(5, OnnxBuilder.FloatTensor("typed", [2, 3], w, raw: false))
            .Message(5, new ProtoWriter().PackedVarints(1, 3).Varint(2, 7).String(8, "ints").PackedVarints(7, -1, 0, 1L << 40))
            .Message(11, OnnxBuilder.ValueInfo("x", 1, 3));

        var model = OnnxModelReader.Read(OnnxBuilder.Model(graph), "hand-built");

        Assert.Equal(w, model.Graph.Initializers["raw"].ToFloats());
        Assert.Equal(w, model.Graph.Initializers["typed"].ToFloats());
        Assert.Equal([-1L, 0, 1L << 40], model.Graph.Initializers["ints"].ToInt64s());
        var node = Assert.Single(model.Graph.Nodes);
        Assert.Equal([1L, 1, 0, 0], node.Ints("pads"));
        Assert.Equal([2L, 2], node.Ints("strides"));
        Assert.Equal(0.5f, node.Float("epsilon"));
        Assert.Equal("same", node.Attribute("mode")!.String);
        Assert.Equal("[1, 3]", model.Graph.Inputs[0].ShapeText);
    }

    [Fact]
    public void EveryTruncationOfAModel_IsAnInvalidDataExceptionNamingTheFile()
    {
        var bytes = OnnxBuilder.Model(OnnxBuilder.LinearGraph([1, 2, 3, 4, 5, 6], 2, 3, "fc.bias"));

        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(bytes[..length], "cut.onnx"));
            Assert.StartsWith("ONNX file 'cut.onnx' is truncated or corrupt: ", e.Message);
        }
        Assert.Single(OnnxModelReader.Read(bytes, "whole.onnx").Graph.Nodes, n => n.OpType == "MatMul");
    }

    [Fact]
    public void TruncatedBundledFile_SaysWhereTheDataRanOut()
    {
        var bytes = File.ReadAllBytes(BundledModels.ResNet18Preprocess);
        var path = _files.Write("ResNetPreprocess-cut.onnx", bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("runs past the end", e.Message);
        Assert.Contains("in graph", e.Message);
    }

    [Fact]
    public void InitializerWithLessDataThanItsDims_IsNamed()
    {
        var graph = new ProtoWriter().String(2, "g").Message(5, OnnxBuilder.FloatTensor("encoder.w", [4, 4], [1, 2, 3]));

        var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(OnnxBuilder.Model(graph), "short.onnx"));

        Assert.Contains("graph.initializer[0]", e.Message);
        Assert.Contains("tensor 'encoder.w' (Float [4, 4]) needs 64 bytes of raw_data but has 12", e.Message);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("text")]
    [InlineData("group-wire-type")]
    [InlineData("huge-length")]
    [InlineData("bad-utf8")]
    [InlineData("empty")]
    public void CorruptOrForeignBytes_AreInvalidDataExceptions(string kind)
    {
        var valid = OnnxBuilder.Model(OnnxBuilder.LinearGraph([1, 2, 3, 4, 5, 6], 2, 3, "fc.bias"));
        var bytes = kind switch
        {
            "random" => RandomBytes(4096),
            "text" => BundledModels.MiniLm.ReadVocabulary(),
            "group-wire-type" => [.. valid[..2], 0x3B, .. valid[2..]], // field 7, wire type 3 (a group)
            "huge-length" => new ProtoWriter().Varint(1, 7).ToArray().Concat(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }).ToArray(),
            "bad-utf8" => new ProtoWriter().Varint(1, 7).Bytes(2, [0xC3, 0x28]).ToArray(),
            _ => [],
        };

        var e = Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(bytes, $"{kind}.onnx"));

        Assert.Contains($"'{kind}.onnx'", e.Message);
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(14).NextBytes(bytes);
        return bytes;
    }
}
