using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Models.Bert;
using AftSweep.Transfer.Models.Checkpoints.Onnx;

namespace AftSweep.Tests.Checkpoints;

[Collection(OfflineCheckpointCollection.Name)]
public sealed class BertConversionTests(OfflineCheckpointFixture checkpoints)
{
    private static readonly BertConfig MiniLmShape = new(30522, 384, 6, 12, 1536, 512, 2, 1e-12, BertConfig.Gelu, 0);

    [Theory]
    [InlineData(OnnxCheckpoints.MiniLm, true)]
    [InlineData(OnnxCheckpoints.ArcticXs, false)]
    public void Tensors_AreExactlyTheStudentsStateDict_PlusThePoolerWhereExported(string source, bool pooler)
    {
        var conversion = checkpoints[source];
        using var student = new BertStudent(BertConfig.Parse(conversion.ConfigJson!, source), numClasses: 2);
        var expected = student.state_dict()
            .Where(kv => !student.IsHeadEntry(kv.Key))
            .ToDictionary(kv => kv.Key, kv => "[" + string.Join(", ", kv.Value.shape) + "]");
        if (pooler)
        {
            expected["pooler.dense.weight"] = "[384, 384]";
            expected["pooler.dense.bias"] = "[384]";
        }

        var actual = conversion.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ShapeText);

        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(6 * 16 + 5 + (pooler ? 2 : 0), actual.Count);
        Assert.All(conversion.Tensors.Values, t => Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.DType));
    }

    [Theory]
    [InlineData(OnnxCheckpoints.MiniLm)]
    [InlineData(OnnxCheckpoints.ArcticXs)]
    public void Config_IsHuggingFaceConfigJsonOfA6Layer384WideBert_AndTheVocabularyIsThePackages(string source)
    {
        var conversion = checkpoints[source];

        Assert.Equal(MiniLmShape, BertConfig.Parse(conversion.ConfigJson!, source));
        Assert.Contains("\"architectures\": [", conversion.ConfigJson);
        Assert.Contains("\"layer_norm_eps\": 1e-12", conversion.ConfigJson);
        var package = source == OnnxCheckpoints.MiniLm ? BundledModels.MiniLm : BundledModels.ArcticXs;
        Assert.Equal(package.ReadVocabulary(), conversion.Vocabulary);
    }

    [Theory]
    // (source, converted weight, the MatMul initializer it came from: read by hand from the graph, where the MatMul
    // of the layer input with this initializer is added to the weight's bias)
    [InlineData(OnnxCheckpoints.MiniLm, "encoder.layer.0.attention.self.query.weight", "927")]
    [InlineData(OnnxCheckpoints.MiniLm, "encoder.layer.0.intermediate.dense.weight", "938")]
    [InlineData(OnnxCheckpoints.ArcticXs, "encoder.layer.0.attention.self.query.weight", "onnx::MatMul_788")]
    [InlineData(OnnxCheckpoints.ArcticXs, "encoder.layer.0.output.dense.weight", "onnx::MatMul_800")]
    public void LinearWeights_AreTheirMatMulInitializersTransposed(string source, string weight, string initializer)
    {
        var onnx = checkpoints.Model(source).Graph.Initializers[initializer];
        var rows = (int)onnx.Dims[0];
        var cols = (int)onnx.Dims[1];
        var stored = onnx.ToFloats();

        var converted = checkpoints[source].Tensors[weight];
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(converted.Bytes).ToArray();

        Assert.Equal([cols, rows], converted.Shape);
        for (var r = 0; r < rows; r += 37)
            for (var c = 0; c < cols; c += 29)
                Assert.Equal(stored[r * cols + c], values[c * rows + r]);
    }

    [Fact]
    public void Description_SaysWhatTheExportChangedAndWhatWasDropped()
    {
        var description = checkpoints[OnnxCheckpoints.MiniLm].Description;

        Assert.Contains("all-MiniLM-L6-v2", description);
        Assert.Contains("6-layer BERT encoder (hidden 384, 12 heads of 32, intermediate 1536, gelu", description);
        Assert.Contains("36 Linear weights as the transposed [in, out] right operands of MatMul", description);
        Assert.Contains("'pooler.dense.weight' (a Gemm with transB = 1, kept as stored)", description);
        Assert.Contains("'embeddings.position_ids' (an index buffer)", description);
    }

    [Fact]
    public void MatMulWhoseProductIsNotAddedToABias_CannotBeNamed_AndSaysWhichNode()
    {
        var model = OnnxModelReader.Read(OnnxBuilder.Model(OnnxBuilder.LinearGraph([1, 2, 3, 4, 5, 6], 2, 3, "fc.bias", withBiasAdd: false)), "nobias.onnx");

        var e = Assert.Throws<InvalidDataException>(() => BertOnnxConverter.Convert(model, null, "test", "a test graph"));

        Assert.Contains("ONNX file 'nobias.onnx' is not a convertible BERT encoder", e.Message);
        Assert.Contains("MatMul 'MatMul_0'", e.Message);
        Assert.Contains("cannot be named", e.Message);
    }

    [Fact]
    public void GraphWithOnlyALinear_IsNotABert_AndNamesTheMissingTensor()
    {
        var model = OnnxModelReader.Read(OnnxBuilder.Model(OnnxBuilder.LinearGraph([1, 2, 3, 4, 5, 6], 2, 3, "encoder.layer.0.intermediate.dense.bias")), "linear.onnx");

        var e = Assert.Throws<InvalidDataException>(() => BertOnnxConverter.Convert(model, null, "test", "a test graph"));

        Assert.Contains("tensor 'embeddings.word_embeddings.weight' is missing", e.Message);
    }
}
