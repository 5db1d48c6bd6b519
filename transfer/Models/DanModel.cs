using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>dan</c>: a deep averaging network (Iyyer et al., 2015): token embeddings, their mean over the row's real
/// ([PAD]-free) tokens, then an MLP of <c>depth</c> Linear+ReLU layers; features are the last ReLU's output. Its
/// embedding table can come from a pre-trained BERT-family checkpoint, which makes it the cheapest real text student.
/// Input: int64 ids (B, L).
/// </summary>
public sealed class DanModel : DownstreamModel, Architectures.ITokenEmbeddingStudent
{
    private readonly Embedding _embedding;
    private readonly Sequential _mlp;
    private readonly Linear _head;

    public DanModel(int vocabSize, int embeddingDim, int hidden, int depth, int numClasses, int padId) : base("dan")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        PadId = padId;
        Hidden = hidden;
        _embedding = nn.Embedding(vocabSize, embeddingDim);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i < depth; i++)
        {
            layers.Add(((2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Linear(i == 0 ? embeddingDim : hidden, hidden)));
            layers.Add(((2 * i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ReLU()));
        }
        _mlp = nn.Sequential(layers);
        _head = nn.Linear(hidden, numClasses);
        register_module("embedding", _embedding);
        register_module("mlp", _mlp);
        register_module("head", _head);
    }

    public int PadId { get; }
    public int Hidden { get; }
    public int VocabularySize => (int)_embedding.weight!.shape[0];

    public void RestrictVocabulary(long[] ids)
    {
        if (Array.BinarySearch(ids, (long)PadId) != PadId)
            throw new ArgumentException($"the vocabulary subset must keep ids 0 to the pad id {PadId}", nameof(ids));
        using var noGrad = no_grad();
        using var index = tensor(ids, device: _embedding.weight!.device);
        using var rows = _embedding.weight.index_select(0, index);
        // In place (the same Parameter object, its storage swapped): the native module keeps using its own weight.
        _embedding.weight.set_(rows);
    }
    public override int FeatureDim => Hidden;
    public override string HeadName => "head";

    public override Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mask = x.ne(PadId).unsqueeze(-1).to(ScalarType.Float32);                  // (B, L, 1)
        var summed = (_embedding.call(x) * mask).sum(1);                             // (B, E)
        var mean = summed / mask.sum(1).clamp_min(1);                                // (B, E)
        return _mlp.call(mean).MoveToOuterDisposeScope();                            // (B, H)
    }

    public override Tensor Head(Tensor features) => _head.call(features);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _embedding.Dispose();
            _mlp.Dispose();
            _head.Dispose();
        }
        base.Dispose(disposing);
    }
}
