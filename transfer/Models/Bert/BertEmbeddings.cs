using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// transformers' BertEmbeddings: word + absolute position + token type embeddings, LayerNorm, dropout. Every row
/// is a single segment (token type 0) and positions are 0..L-1, so both are added as broadcast slices of their
/// tables instead of gathered through index tensors (same values and gradients, no index allocations).
/// </summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "word_embeddings")]
    private readonly Embedding _words;
    [ComponentName(Name = "position_embeddings")]
    private readonly Embedding _positions;
    [ComponentName(Name = "token_type_embeddings")]
    private readonly Embedding _tokenTypes;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm _norm;
    private readonly double _dropout;
    private readonly long _padId;

    public BertEmbeddings(BertConfig config, double dropout) : base(nameof(BertEmbeddings))
    {
        _words = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        _positions = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        _tokenTypes = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = dropout;
        _padId = config.PadTokenId;
        RegisterComponents();
    }

    /// <summary>Zeroes the [PAD] row, as transformers does after initialising (its gradient is always zero).</summary>
    public void ZeroPaddingRow()
    {
        using var noGrad = no_grad();
        using var row = _words.weight![_padId];
        row.zero_();
    }

    /// <summary>(B, L) int64 ids to (B, L, H).</summary>
    public override Tensor forward(Tensor ids)
    {
        var length = ids.shape[1];
        var h = _words.call(ids)                              // (B, L, H)
            .add_(_positions.weight!.narrow(0, 0, length))    // (L, H) broadcast over the batch
            .add_(_tokenTypes.weight![0]);                    // (H): token type 0 everywhere
        h = _norm.call(h);
        return _dropout > 0 && training ? nn.functional.dropout(h, _dropout, training) : h;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _words.Dispose();
            _positions.Dispose();
            _tokenTypes.Dispose();
            _norm.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Keeps the word-embedding rows of <paramref name="ids"/> (see <see cref="Architectures.ITokenEmbeddingStudent"/>).</summary>
    public void RestrictWords(long[] ids)
    {
        using var noGrad = no_grad();
        using var index = tensor(ids, device: _words.weight!.device);
        using var rows = _words.weight.index_select(0, index);
        // In place (the same Parameter object, its storage swapped): the native module keeps using its own weight.
        _words.weight.set_(rows);
    }

    public int WordCount => (int)_words.weight!.shape[0];
}
