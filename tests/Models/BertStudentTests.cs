using AftSweep.Transfer.Models.Bert;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models;

public sealed class BertStudentTests
{
    private static readonly BertConfig Small = new(VocabSize: 50, HiddenSize: 16, NumHiddenLayers: 2, NumAttentionHeads: 4,
        IntermediateSize: 32, MaxPositionEmbeddings: 20);

    [Fact]
    public void StateDict_IsTheHuggingFaceBertModelNames_PlusTheClassifier()
    {
        using var student = new BertStudent(Small, numClasses: 3);

        var actual = student.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        var expected = BertParameterNames.Expected(Small, withPooler: false).ToDictionary();
        expected["classifier.weight"] = [3, 16];
        expected["classifier.bias"] = [3];
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected) Assert.Equal(shape, actual[name]);
        Assert.Equal("classifier", student.HeadName);
        Assert.Equal(16, student.FeatureDim);
    }

    [Theory]
    [InlineData(BertPooling.Cls)]
    [InlineData(BertPooling.Mean)]
    public void PaddedRow_HasTheSameFeaturesAsTheRowAlone(BertPooling pooling)
    {
        using var student = new BertStudent(Small, numClasses: 2, pooling, padId: 0);
        student.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var alone = student.Features(tensor(new long[] { 2, 7, 9, 3 }, [1, 4]));
        var batch = student.Features(tensor(new long[] { 2, 7, 9, 3, 0, 0, 0, 2, 11, 12, 13, 14, 15, 3 }, [2, 7]));

        Assert.True(alone[0].allclose(batch[0], rtol: 1e-5, atol: 1e-6), "padding changed the row's features");
        Assert.False(alone[0].allclose(batch[1], rtol: 1e-3, atol: 1e-4));
    }

    [Fact]
    public void MeanAndClsPooling_DifferForTheSameWeights()
    {
        using var cls = new BertStudent(Small, 2, BertPooling.Cls);
        using var mean = new BertStudent(Small, 2, BertPooling.Mean);
        mean.load_state_dict(cls.state_dict());
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3 }, [1, 4]);

        Assert.False(cls.Features(ids).allclose(mean.Features(ids)));
    }

    [Fact]
    public void TrainingStep_ReachesEveryParameter()
    {
        using var student = new BertStudent(Small, numClasses: 2, BertPooling.Mean);
        student.train();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3, 0, 2, 11, 12, 13, 3 }, [2, 5]);

        var loss = nn.functional.cross_entropy(student.call(ids), tensor(new long[] { 0, 1 }));
        loss.backward();

        foreach (var (name, p) in student.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"'{name}' got no gradient");
        }
    }

    [Fact]
    public void DropoutZero_TrainingModeForwardIsDeterministic()
    {
        using var student = new BertStudent(Small, numClasses: 2);
        student.train();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3 }, [1, 4]);

        Assert.True(student.Features(ids).eq(student.Features(ids)).all().item<bool>());
    }

    [Fact]
    public void InputLongerThanThePositionTable_OrNotInt64_IsAClearError()
    {
        using var student = new BertStudent(Small, numClasses: 2);
        using var scope = NewDisposeScope();

        var tooLong = Assert.Throws<ArgumentException>(() => student.Features(ones(new long[] { 1, 21 }, ScalarType.Int64)));
        var floats = Assert.Throws<ArgumentException>(() => student.Features(ones(new long[] { 1, 4 })));

        Assert.Contains("at most 20 tokens", tooLong.Message);
        Assert.Contains("int64 token ids", floats.Message);
    }

    [Fact]
    public void TanhGelu_IsTheGeluNewFormula()
    {
        var config = Small with { HiddenSize = 4, NumAttentionHeads = 1, IntermediateSize = 4, HiddenAct = BertConfig.GeluTanh };
        using var intermediate = new BertIntermediate(config);
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (var (name, p) in intermediate.named_parameters())
                p.copy_(name.EndsWith("weight", StringComparison.Ordinal) ? eye(4) : zeros(4));
        var x = tensor(new float[] { -2f, -0.5f, 0.5f, 3f });

        var y = intermediate.call(x).data<float>().ToArray();

        for (var i = 0; i < 4; i++)
        {
            double v = x[i].item<float>();
            var expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.Equal(expected, y[i], 5);
        }
    }
}
