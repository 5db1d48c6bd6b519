using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// <c>bert</c>: a BERT encoder in the Hugging Face <c>BertModel</c> layout (parameter names are exactly the
/// checkpoint's state-dict keys: <c>embeddings.*</c>, <c>encoder.layer.{i}.*</c>; no pooler, which the features
/// do not use) with a fresh <c>classifier</c> head. Input: int64 ids (B, L), [CLS] ... [SEP] then [PAD]; [PAD]
/// positions are masked as attention keys, every token has type 0. Features (B, H): the [CLS] output or the mean
/// over non-padding positions. Post-LayerNorm blocks and the activation of the config (exact GELU for BERT).
/// Dropout (embeddings, attention probabilities, block outputs) defaults to 0: libtorch's dropout draws from the
/// process-wide generator, so with several worker slots in one process it would make a trial depend on its
/// neighbours (as <see cref="TextTransformerModel"/>). Weights start as transformers initialises BERT (normal
/// with std initializer_range, zero biases, LayerNorm 1 and 0) until a checkpoint is loaded over them.
/// </summary>
public sealed class BertStudent : DownstreamModel, Architectures.ITokenEmbeddingStudent
{
    public const string ClassifierName = "classifier";

    [ComponentName(Name = "embeddings")]
    private readonly BertEmbeddings _embeddings;
    [ComponentName(Name = "encoder")]
    private readonly BertEncoder _encoder;
    [ComponentName(Name = ClassifierName)]
    private readonly Linear _classifier;

    public BertStudent(BertConfig config, int numClasses, BertPooling pooling = BertPooling.Cls, int padId = 0, double dropout = 0)
        : base("bert")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("bert student");
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a head needs at least one output");
        if (padId < 0 || padId >= config.VocabSize)
            throw new ArgumentOutOfRangeException(nameof(padId), padId, $"the [PAD] id must be inside the vocabulary of {config.VocabSize}");
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling");
        Config = config;
        Pooling = pooling;
        PadId = padId;
        _embeddings = new BertEmbeddings(config with { PadTokenId = padId }, dropout);
        _encoder = new BertEncoder(config, dropout);
        _classifier = nn.Linear(config.HiddenSize, numClasses);
        RegisterComponents();
        InitialiseLikeTransformers(config.InitializerRange);
    }

    public BertConfig Config { get; }
    public BertPooling Pooling { get; }
    public int PadId { get; }
    public override int FeatureDim => Config.HiddenSize;
    public override string HeadName => ClassifierName;

    public override Tensor Features(Tensor x)
    {
        if (x.dim() != 2 || x.dtype != ScalarType.Int64)
            throw new ArgumentException($"bert takes int64 token ids (B, L), got {x.dtype} ({string.Join(", ", x.shape)})");
        if (x.shape[1] > Config.MaxPositionEmbeddings)
            throw new ArgumentException($"bert takes at most {Config.MaxPositionEmbeddings} tokens per row, got {x.shape[1]}");
        using var scope = NewDisposeScope();
        var real = x.ne(PadId);                                          // (B, L) true = a token, false = [PAD]
        var h = _embeddings.call(x);                                     // (B, L, H)
        h = _encoder.forward(h, real.unsqueeze(1).unsqueeze(2));         // keys mask (B, 1, 1, L)
        var features = Pooling == BertPooling.Cls
            ? h.select(1, 0)                                             // (B, H): [CLS]
            : MeanOverTokens(h, real);
        return features.MoveToOuterDisposeScope();
    }

    public override Tensor Head(Tensor features) => _classifier.call(features);

    public int VocabularySize => _embeddings.WordCount;

    public void RestrictVocabulary(long[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        // The subset keeps ids 0..[PAD] (VocabularySubset), so the pad row, which the embedding keeps at zero
        // gradient, keeps its index.
        if (Array.BinarySearch(ids, (long)PadId) != PadId)
            throw new ArgumentException($"the vocabulary subset must keep ids 0 to the pad id {PadId}", nameof(ids));
        _embeddings.RestrictWords(ids);
    }

    private static Tensor MeanOverTokens(Tensor h, Tensor real)
    {
        var weights = real.unsqueeze(-1).to_type(h.dtype);                // (B, L, 1)
        return (h * weights).sum(1) / weights.sum(1).clamp_min(1);       // (B, H)
    }

    private void InitialiseLikeTransformers(double std)
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight!, 0, std);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight!, 0, std);
                    break;
                case LayerNorm norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
        // transformers zeroes the [PAD] row of the word embeddings after drawing it.
        _embeddings.ZeroPaddingRow();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _embeddings.Dispose();
            _encoder.Dispose();
            _classifier.Dispose();
        }
        base.Dispose(disposing);
    }
}
