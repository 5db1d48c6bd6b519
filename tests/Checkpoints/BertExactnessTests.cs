using AftSweep.Transfer.Data;
using AftSweep.Transfer.Models.Bert;
using AftSweep.Transfer.Models.Checkpoints.Onnx;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Text;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AftSweep.Tests.Checkpoints;

/// <summary>
/// The converted MiniLM-L6 and Arctic-XS, loaded into <see cref="BertStudent"/>, reproduce the ONNX teachers'
/// sentence embeddings on real SST-2 reviews rendered with the quickstart template: same tokenizer, same maximum
/// length, the teacher's pooling, L2-normalised as the teacher normalises. Batches of 32 in dataset order, so most
/// rows are padded and the [PAD] key masking is exercised.
/// </summary>
public sealed class BertExactnessTests(OfflineCheckpointFixture checkpoints, ITestOutputHelper output) : IClassFixture<OfflineCheckpointFixture>
{
    private const int Rows = 128;
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(OnnxCheckpoints.MiniLm, BertPooling.Mean, 256)]
    [InlineData(OnnxCheckpoints.ArcticXs, BertPooling.Cls, 512)]
    public async Task ConvertedEncoder_ReproducesTheTeachersSentenceEmbeddingsOnSst2(string source, BertPooling pooling, int maxLength)
    {
        var data = CheckpointTestData.Sst2(Rows);
        var texts = data.Train.Texts!;
        Assert.Equal(Rows, texts.Length);
        Assert.StartsWith("Review: \"", texts[0]);
        using var teacher = new TeacherFactory().Create(source, ".");
        var expected = await teacher.ExtractAsync(data, SplitName.Train, 0, Rows, null, CancellationToken.None);
        var tokenizer = source == OnnxCheckpoints.MiniLm ? WordPieceTokenizer.MiniLm : WordPieceTokenizer.ArcticXs;
        var conversion = checkpoints[source];
        using var student = new BertStudent(BertConfig.Parse(conversion.ConfigJson!, source), numClasses: 2, pooling, tokenizer.PadId);
        ConvertedWeights.LoadInto(student, conversion.Tensors, BertParameterNames.PoolerPrefix);
        student.eval();

        double worst = 0;
        var padded = 0;
        using (no_grad())
            for (var start = 0; start < Rows; start += 32)
            {
                using var scope = NewDisposeScope();
                var batch = tokenizer.Encode(texts[start..(start + 32)], maxLength);
                padded += Enumerable.Range(0, batch.BatchSize).Count(r => batch.Length(r) < batch.SequenceLength);
                var features = student.Features(tensor(batch.InputIds, [batch.BatchSize, batch.SequenceLength]));
                var normalised = nn.functional.normalize(features, p: 2, dim: 1).data<float>().ToArray();
                for (var i = 0; i < normalised.Length; i++)
                    worst = Math.Max(worst, Math.Abs(normalised[i] - expected.Data[start * 384 + i]));
            }

        output.WriteLine($"{source}: max |student - teacher| over {Rows} SST-2 sentences x 384 = {worst:E2} ({padded} rows padded)");
        Assert.True(padded > Rows / 2, "the batches should pad most rows");
        Assert.True(worst <= Tolerance, $"{source}: the converted student differs from the ONNX teacher by up to {worst:E2}");
    }
}
