using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>text-transformer</c>: token embedding over the MiniLM WordPiece vocabulary plus learned positions, a 2-layer
/// post-norm Transformer encoder (width 128, 4 heads, FFN 512, ReLU), [PAD] keys masked; features are the first
/// ([CLS]) position's output (B, 128). Input: int64 ids (B, L), L at most <see cref="MaxLength"/>.
/// Dropout defaults to 0: libtorch's dropout draws from the process-wide generator, so with several worker slots in
/// one process it would make a trial depend on its neighbours; the <c>dropout</c> option turns it on.
/// </summary>
public sealed class TextTransformerModel : DownstreamModel
{
    public const int Width = 128;
    public const int Heads = 4;
    public const int FeedForward = 512;
    public const int Layers = 2;
    public const int MaxLength = 128;

    private readonly Embedding _tokens;
    private readonly Embedding _positions;
    private readonly TransformerEncoder _encoder;
    private readonly Linear _head;
    private readonly Tensor _positionIds; // (1, MaxLength) int64 buffer

    public TextTransformerModel(int vocabSize, int numClasses, int padId = 0, double dropout = 0) : base("text-transformer")
    {
        if (vocabSize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "vocabulary size must be positive");
        PadId = padId;
        _tokens = nn.Embedding(vocabSize, Width, padding_idx: padId);
        _positions = nn.Embedding(MaxLength, Width);
        _encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(Width, Heads, FeedForward, dropout), Layers);
        _head = nn.Linear(Width, numClasses);
        _positionIds = arange(MaxLength, dtype: ScalarType.Int64).unsqueeze(0);
        register_module("tokens", _tokens);
        register_module("positions", _positions);
        register_module("encoder", _encoder);
        register_module("head", _head);
        register_buffer("position_ids", _positionIds, persistent: false);
    }

    public int PadId { get; }
    public override int FeatureDim => Width;
    public override string HeadName => "head";

    public override Tensor Features(Tensor x)
    {
        var length = x.shape[1];
        if (length > MaxLength)
            throw new ArgumentException($"text-transformer takes at most {MaxLength} tokens per row, got {length}");
        using var scope = NewDisposeScope();
        var padding = x.eq(PadId);                                                             // (B, L) true = ignore
        var h = _tokens.call(x) + _positions.call(_positionIds.narrow(1, 0, length));    // (B, L, E)
        h = _encoder.call(h.transpose(0, 1), null, padding);                                   // (L, B, E)
        return h[0].MoveToOuterDisposeScope();                                                 // (B, E): [CLS]
    }

    public override Tensor Head(Tensor features) => _head.call(features);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokens.Dispose();
            _positions.Dispose();
            _encoder.Dispose();
            _head.Dispose();
            _positionIds.Dispose();
        }
        base.Dispose(disposing);
    }
}
