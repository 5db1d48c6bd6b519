using AftSweep.Tests.Grid;
using AftSweep.Transfer.Teachers.Onnx;
using AftSweep.Transfer.Text;

namespace AftSweep.Tests.Teachers;

public sealed class LengthBatchesTests
{
    [Fact]
    public void Plan_ShuffledLengths_EveryRowOnceInLengthThenIndexOrder()
    {
        int[] lengths = [7, 3, 9, 3, 12, 5, 3, 8, 7, 1];

        var plan = LengthBatches.Plan(lengths, 4);

        Assert.Equal([4, 4, 2], plan.Select(b => b.Length));
        Assert.Equal([9, 1, 3, 6, 5, 0, 8, 7, 2, 4], plan.SelectMany(b => b));
    }

    [Fact]
    public void Plan_SameLengthsTwice_SamePlan()
    {
        var lengths = Enumerable.Range(0, 100).Select(i => i * 37 % 11).ToArray();

        Assert.Equal(LengthBatches.Plan(lengths, 16), LengthBatches.Plan(lengths.ToArray(), 16));
    }

    [Fact]
    public void Plan_BatchSizeZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LengthBatches.Plan([1, 2], 0));
    }

    [Fact]
    public void PaddingFactor_RealSst2Phrases_SortedBatchesPadFarLessThanDatasetOrder()
    {
        var lengths = Sst2Sentences(1000).Select(t => WordPieceTokenizer.MiniLm.EncodeOne(t, 256).Length).ToArray();

        var sorted = LengthBatches.PaddingFactor(lengths, LengthBatches.Plan(lengths, 16));
        var inOrder = LengthBatches.PaddingFactor(lengths, Enumerable.Range(0, lengths.Length).Chunk(16));

        Assert.InRange(sorted, 1.0, 1.05);
        Assert.True(inOrder > 1.5, $"dataset-order batches pad by {inOrder}");
    }

    /// <summary>The first sentences of the SST-2 train split in examples/data (real phrases, 1 to ~50 words).</summary>
    internal static string[] Sst2Sentences(int count) =>
        File.ReadLines(Path.Combine(TestPaths.Examples, "data", "sst2", "train.tsv")).Skip(1).Take(count)
            .Select(line => line.Split('\t')[0]).ToArray();
}
