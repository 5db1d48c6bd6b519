using AftSweep.Transfer.Data;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Models.Checkpoints.Onnx;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Text;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AftSweep.Tests.Checkpoints;

/// <summary>
/// The converted MiniLM-L6 and Arctic-XS, built as <c>bert</c> students the way a trial builds them (the student
/// factory: offline source, name table, the checkpoint's own vocabulary), reproduce the ONNX teachers' sentence embeddings on real SST-2 reviews rendered with the quickstart template: same tokenizer, same maximum
/// length, the teacher's pooling, L2-normalised as the teacher normalises. Rows are batched by token count, as the
/// teacher batches them (so the test pays for little padding), and most rows are still padded in their batch, which
/// exercises the [PAD] key masking.
/// </summary>
public sealed class BertExactnessTests(ITestOutputHelper output)
{
    private const int Rows = 100;
    private const int BatchSize = 25;
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(OnnxCheckpoints.MiniLm, "mean", 256)]
    [InlineData(OnnxCheckpoints.ArcticXs, "cls", 512)]
    public async Task ConvertedEncoder_ReproducesTheTeachersSentenceEmbeddingsOnSst2(string source, string pooling, int maxLength)
    {
        var data = CheckpointTestData.Sst2(Rows);
        var texts = data.Train.Texts!;
        Assert.Equal(Rows, texts.Length);
        Assert.StartsWith("Review: \"", texts[0]);
        using var teacher = new TeacherFactory().Create(source, ".");
        var expected = await teacher.ExtractAsync(data, SplitName.Train, 0, Rows, null, CancellationToken.None);
        var spec = new DownstreamSpec
        {
            Model = "bert", Init = source, Pooling = pooling,
            Options = new Dictionary<string, string> { ["maxLength"] = maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        using var built = StudentFactory.Create(spec, InputShape.Of(data.Train), numClasses: 2, CPU, seed: 0);
        var input = Assert.IsType<TextStudentInput>(built.Input);
        Assert.Equal(maxLength, input.MaxLength);
        var tokenizer = input.Tokenizer;
        var reference = source == OnnxCheckpoints.MiniLm ? WordPieceTokenizer.MiniLm : WordPieceTokenizer.ArcticXs;
        Assert.Equal(reference.EncodeOne(texts[0], maxLength), tokenizer.EncodeOne(texts[0], maxLength));
        var student = built.Model;
        student.eval();

        var byLength = Enumerable.Range(0, Rows).OrderBy(r => tokenizer.EncodeOne(texts[r], maxLength).Length).ToArray();
        double worst = 0;
        var padded = 0;
        using (no_grad())
            foreach (var rows in byLength.Chunk(BatchSize))
            {
                using var scope = NewDisposeScope();
                var batch = tokenizer.Encode(rows.Select(r => texts[r]).ToArray(), maxLength);
                padded += Enumerable.Range(0, batch.BatchSize).Count(r => batch.Length(r) < batch.SequenceLength);
                var features = student.Features(tensor(batch.InputIds, [batch.BatchSize, batch.SequenceLength]));
                var normalised = nn.functional.normalize(features, p: 2, dim: 1).data<float>().ToArray();
                for (var k = 0; k < rows.Length; k++)
                    for (var j = 0; j < 384; j++)
                        worst = Math.Max(worst, Math.Abs(normalised[k * 384 + j] - expected.Data[rows[k] * 384 + j]));
            }

        output.WriteLine($"{source}: max |student - teacher| over {Rows} SST-2 sentences x 384 = {worst:E2} ({padded} rows padded)");
        Assert.True(padded > Rows / 2, "the batches should pad most rows");
        Assert.True(worst <= Tolerance, $"{source}: the converted student differs from the ONNX teacher by up to {worst:E2}");
    }
}
