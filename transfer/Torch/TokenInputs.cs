using AftSweep.Transfer.Text;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Texts tokenized once into int64 ids (N, L): [CLS] text [SEP], truncated to <c>maxLength</c> tokens, padded with
/// [PAD] (id 0) to the longest row. Each gathered batch is cut to its own longest row, so a batch of short
/// sentences does not pay attention over the split's longest one (padding is masked, so results do not change).
/// </summary>
public sealed class TokenInputs : InputTensor
{
    private readonly Tensor _ids; // (N, L) int64
    private readonly Tensor _lengths; // (N) int64: tokens per row, [CLS] and [SEP] included

    public TokenInputs(IReadOnlyList<string> texts, WordPieceTokenizer tokenizer, int maxLength, Device device)
        : this(Encode(texts, tokenizer, maxLength), tokenizer.PadId, device)
    {
    }

    /// <param name="encoded">Rows of token ids ([CLS] ... [SEP]), already in the model's numbering.</param>
    /// <param name="padId">The pad id in that numbering.</param>
    public TokenInputs(int[][] encoded, int padId, Device device)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var longest = 2;
        foreach (var row in encoded) longest = Math.Max(longest, row.Length);
        var flat = new long[(long)encoded.Length * longest];
        if (padId != 0) Array.Fill(flat, padId);
        for (var i = 0; i < encoded.Length; i++)
            for (var j = 0; j < encoded[i].Length; j++) flat[(long)i * longest + j] = encoded[i][j];
        SequenceLength = longest;
        using (NewDisposeScope())
        {
            _ids = tensor(flat, [encoded.Length, longest]).to(device).DetachFromDisposeScope();
            _lengths = tensor(encoded.Select(e => (long)e.Length).ToArray()).to(device).DetachFromDisposeScope();
        }
    }

    /// <summary>[CLS] text [SEP] per row, cut to <paramref name="maxLength"/> tokens.</summary>
    public static int[][] Encode(IReadOnlyList<string> texts, WordPieceTokenizer tokenizer, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must leave room for [CLS] and [SEP]");
        var encoded = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++) encoded[i] = tokenizer.EncodeOne(texts[i] ?? string.Empty, maxLength);
        return encoded;
    }

    public int SequenceLength { get; }
    public override long Rows => _ids.shape[0];
    public override Tensor Gather(Tensor rowIndices)
    {
        using var lengths = _lengths.index_select(0, rowIndices);
        var batchLongest = lengths.numel() == 0 ? SequenceLength : lengths.max().item<long>();
        using var rows = _ids.index_select(0, rowIndices);
        return rows.narrow(1, 0, batchLongest).contiguous();
    }

    protected override void DisposeTensors()
    {
        _ids.Dispose();
        _lengths.Dispose();
    }
}
