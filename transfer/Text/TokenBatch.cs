namespace AftSweep.Transfer.Text;

/// <summary>
/// Token ids of a batch of texts for BERT-style ONNX models, int64 [BatchSize, SequenceLength] row-major, each
/// row [CLS] tokens [SEP] then [PAD] up to the batch's longest row; <see cref="AttentionMask"/> is 1 on real
/// tokens; <see cref="TokenTypeIds"/> all 0 (single segment).
/// </summary>
public sealed record TokenBatch(int BatchSize, int SequenceLength, long[] InputIds, long[] AttentionMask, long[] TokenTypeIds)
{
    /// <summary>Real tokens (including [CLS] and [SEP]) of row <paramref name="row"/>.</summary>
    public int Length(int row)
    {
        var n = 0;
        for (var t = 0; t < SequenceLength; t++) n += (int)AttentionMask[row * SequenceLength + t];
        return n;
    }
}
