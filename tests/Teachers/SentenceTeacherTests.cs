using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Text;

namespace AftSweep.Tests.Teachers;

public sealed class SentenceTeacherTests
{
    private static readonly string[] Sentences =
    [
        "The movie was absolutely wonderful.",
        "That film was truly great.",
        "The stock market fell sharply on Monday.",
        "A cat is sleeping on the warm windowsill, curled up in the afternoon sun while the rain falls outside.",
    ];

    [Theory]
    [InlineData("onnx:minilm")]
    [InlineData("onnx:arctic-xs")]
    public async Task Paraphrases_AreCloserThanUnrelatedSentences(string spec)
    {
        using var teacher = new TeacherFactory(new TeacherOptions { TextBatchSize = 3 }).Create(spec, ".");

        var f = await teacher.ExtractAsync(TeacherTestData.Sentences(Sentences), SplitName.Train, 0, 4, null, CancellationToken.None);

        Assert.Equal((4, 384), (f.Rows, f.Dim));
        var paraphrase = TeacherTestData.Cosine(Row(f.Data, 0), Row(f.Data, 1));
        var unrelated = TeacherTestData.Cosine(Row(f.Data, 0), Row(f.Data, 2));
        Assert.True(paraphrase > unrelated + 0.1, $"{spec}: paraphrase {paraphrase} vs unrelated {unrelated}");
        for (var r = 0; r < 4; r++)
            Assert.Equal(1.0, Math.Sqrt(Row(f.Data, r).ToArray().Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public async Task MiniLm_RowAloneOrInAPaddedBatch_GivesTheSameEmbedding()
    {
        using var teacher = new TeacherFactory().Create("onnx:minilm", ".");
        var data = TeacherTestData.Sentences(Sentences);

        var batch = await teacher.ExtractAsync(data, SplitName.Train, 0, 4, null, CancellationToken.None);
        var alone = await teacher.ExtractAsync(data, SplitName.Train, 1, 1, null, CancellationToken.None);
        var again = await teacher.ExtractAsync(data, SplitName.Train, 0, 4, null, CancellationToken.None);

        Assert.Equal(batch.Data, again.Data);
        for (var j = 0; j < 384; j++) Assert.Equal(batch.Data[384 + j], alone.Data[j], 4);
    }

    [Theory]
    [InlineData("onnx:minilm")]
    [InlineData("onnx:arctic-xs")]
    public async Task RealSst2Phrases_BatchedByLength_MatchEachPhraseRunAloneInDatasetOrder(string spec)
    {
        // Batch size 1 runs every phrase unpadded: the reference the length-sorted, padded batches must reproduce.
        var data = TeacherTestData.Sentences(LengthBatchesTests.Sst2Sentences(40));
        using var batched = new TeacherFactory(new TeacherOptions { TextBatchSize = 16 }).Create(spec, ".");
        using var alone = new TeacherFactory(new TeacherOptions { TextBatchSize = 1 }).Create(spec, ".");

        var b = await batched.ExtractAsync(data, SplitName.Train, 0, 40, null, CancellationToken.None);
        var a = await alone.ExtractAsync(data, SplitName.Train, 0, 40, null, CancellationToken.None);

        var worst = b.Data.Zip(a.Data, (x, y) => Math.Abs(x - y)).Max(); // rows are unit vectors: absolute = relative
        Assert.True(worst < 1e-5, $"{spec}: batched and unbatched features differ by up to {worst}");
        Assert.Equal(batched.Identity, alone.Identity); // batching is not part of the teacher function
    }

    [Fact]
    public void MiniLmTokenizer_FramesWithClsAndSep_LowercasesAndTruncates()
    {
        var tokenizer = WordPieceTokenizer.MiniLm;

        Assert.Equal([101, 7592, 2088, 102], tokenizer.EncodeOne("Hello WORLD", 128));
        Assert.Equal([101, 7592, 102], tokenizer.EncodeOne("hello world again", 3));
        Assert.Equal(30522, tokenizer.VocabularySize);
        var batch = tokenizer.Encode(["hello", "hello world"], 128);
        Assert.Equal((2, 4), (batch.BatchSize, batch.SequenceLength));
        Assert.Equal([101L, 7592, 102, 0, 101, 7592, 2088, 102], batch.InputIds);
        Assert.Equal([1L, 1, 1, 0, 1, 1, 1, 1], batch.AttentionMask);
        Assert.Equal(3, batch.Length(0));
    }

    [Fact]
    public void SentenceTeachers_DifferInIdentity()
    {
        using var minilm = new TeacherFactory().Create("onnx:minilm", ".");
        using var arctic = new TeacherFactory().Create("onnx:arctic-xs", ".");

        Assert.NotEqual(minilm.Identity, arctic.Identity);
    }

    private static ReadOnlySpan<float> Row(float[] data, int r) => data.AsSpan(r * 384, 384);
}
