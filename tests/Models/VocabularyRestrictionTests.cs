using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Torch;
using AftSweep.Transfer.Training;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models;

public sealed class VocabularyRestrictionTests
{
    private static LabeledSplit Split(int rows, int offset) => new()
    {
        Labels = Enumerable.Range(0, rows).Select(i => i % 2).ToArray(),
        Texts = Enumerable.Range(0, rows).Select(i => (i + offset) % 2 == 0 ? $"a wonderful moving film {i}" : $"a dull tedious mess {i * 7}").ToArray(),
    };

    [Fact]
    public void RestrictedVocabulary_TrainsAndPredictsExactlyAsTheFullTable()
    {
        var train = Split(40, 0);
        var eval = Split(16, 1);
        var spec = new DownstreamSpec { Model = "dan", Options = new Dictionary<string, string> { ["embeddingDim"] = "16", ["hidden"] = "8" } };
        var settings = new TrainingSettings { Steps = 12, BatchSize = 8, Lr = 1e-2, Seed = 3 };

        float[] Run(bool restrict)
        {
            using var student = StudentFactory.Create(spec, InputShape.Of(train), 2, CPU, seed: 5);
            var full = ((ITokenEmbeddingStudent)student.Model).VocabularySize;
            var inputs = restrict ? student.Load([train, eval], CPU) : [student.Input.Load(train, CPU), student.Input.Load(eval, CPU)];
            var size = ((ITokenEmbeddingStudent)student.Model).VocabularySize;
            Assert.True(restrict ? size < 100 : size == full, $"table has {size} rows (full {full})");
            using var set = new TrainingSet(inputs[0], InputTensors.Labels(train.Labels, CPU), null);
            using var evalInputs = inputs[1];
            Trainer.Train(student.Model, null, set, settings);
            student.Model.eval();
            using var noGrad = no_grad();
            using var logits = student.Model.forward(evalInputs.Gather(arange(16, dtype: ScalarType.Int64)));
            return logits.data<float>().ToArray();
        }

        var restricted = Run(restrict: true);
        var fullTable = Run(restrict: false);
        Assert.Equal(fullTable.Length, restricted.Length);
        for (var i = 0; i < fullTable.Length; i++) Assert.Equal(fullTable[i], restricted[i], 5);
    }
}
