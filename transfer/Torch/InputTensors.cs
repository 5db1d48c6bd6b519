using AftSweep.Transfer.Data;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Text;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>Turns a split's payload into the device tensor a downstream model consumes, and names its shape.</summary>
public static class InputTensors
{
    /// <summary>Texts are truncated to this many WordPiece ids, [CLS] and [SEP] included.</summary>
    public const int MaxTextTokens = TextTransformerModel.MaxLength;

    public static InputTensor From(LabeledSplit split, Device device)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Images is { } images) return new ImageInputs(images, device);
        if (split.Vectors is { } vectors) return new VectorInputs(vectors.Values, vectors.Count, vectors.Dim, device);
        if (split.Texts is { } texts) return new TokenInputs(texts, WordPieceTokenizer.MiniLm, MaxTextTokens, device);
        throw new ArgumentException("the split has no payload (texts, images or vectors)");
    }

    public static InputShape ShapeOf(LabeledSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Images is { } images) return InputShape.Image(3, images.Height, images.Width);
        if (split.Vectors is { } vectors) return InputShape.Vector(vectors.Dim);
        if (split.Texts is not null) return InputShape.Tokens(WordPieceTokenizer.MiniLm.VocabularySize, MaxTextTokens);
        throw new ArgumentException("the split has no payload (texts, images or vectors)");
    }

    /// <summary>Class ids as an int64 tensor on the device.</summary>
    public static Tensor Labels(IReadOnlyList<int> labels, Device device)
    {
        var values = new long[labels.Count];
        for (var i = 0; i < values.Length; i++) values[i] = labels[i];
        using (NewDisposeScope())
            return tensor(values, [values.Length]).to(device).DetachFromDisposeScope();
    }
}
