namespace AftSweep.Transfer.Teachers.Onnx;

/// <summary>
/// Plans the batches of a text-model run: rows sorted by token count (ties by row index), cut into consecutive
/// runs of at most <c>batchSize</c>, so each batch pads only to its own longest row rather than the longest text
/// of the whole range. Every row lands in exactly one batch; the encoder writes each row's features at its own
/// index, so the output is in dataset order whatever the plan. The plan depends only on the lengths and the batch
/// size, so the same texts always meet the same batch-mates (same padding, same bits).
/// </summary>
public static class LengthBatches
{
    public static int[][] Plan(IReadOnlyList<int> lengths, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ThenBy(i => i).ToArray();
        return order.Chunk(batchSize).ToArray();
    }

    /// <summary>Tokens a batch holds after padding, over the real tokens: the work padding adds (1 = none).</summary>
    public static double PaddingFactor(IReadOnlyList<int> lengths, IEnumerable<int[]> batches)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        long real = 0, padded = 0;
        foreach (var batch in batches)
        {
            var longest = batch.Max(i => lengths[i]);
            padded += (long)longest * batch.Length;
            real += batch.Sum(i => (long)lengths[i]);
        }
        return real == 0 ? 1 : (double)padded / real;
    }
}
