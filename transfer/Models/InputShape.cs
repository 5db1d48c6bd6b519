using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Models;

public enum InputKind { Image = 1, Vector = 2, Tokens = 3 }

/// <summary>What a downstream model consumes: images (C, H, W), vectors (D), or token ids over a vocabulary.</summary>
public sealed record InputShape
{
    public required InputKind Kind { get; init; }
    public int Channels { get; init; }
    public int Height { get; init; }
    public int Width { get; init; }
    public int VectorDim { get; init; }
    public int VocabSize { get; init; }
    public int MaxLength { get; init; }

    public static InputShape Image(int channels, int height, int width) =>
        new() { Kind = InputKind.Image, Channels = channels, Height = height, Width = width };

    public static InputShape Vector(int dim) => new() { Kind = InputKind.Vector, VectorDim = dim };

    public static InputShape Tokens(int vocabSize, int maxLength) =>
        new() { Kind = InputKind.Tokens, VocabSize = vocabSize, MaxLength = maxLength };

    /// <summary>The shape of a split's examples as stored (texts: token ids over MiniLM's vocabulary, the default
    /// tokenizer; a checkpoint's own vocabulary replaces it when the student is built).</summary>
    public static InputShape Of(LabeledSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Images is { } images) return Image(3, images.Height, images.Width);
        if (split.Vectors is { } vectors) return Vector(vectors.Dim);
        if (split.Texts is not null) return Tokens(Text.WordPieceTokenizer.MiniLm.VocabularySize, TextTransformerModel.MaxLength);
        throw new ArgumentException("the split has no payload (texts, images or vectors)");
    }

    /// <summary>Width of one example flattened (what an MLP sees).</summary>
    public int FlatSize => Kind switch
    {
        InputKind.Image => Channels * Height * Width,
        InputKind.Vector => VectorDim,
        _ => throw new InvalidOperationException("token inputs have no flat float size"),
    };

    public override string ToString() => Kind switch
    {
        InputKind.Image => $"image {Channels}x{Height}x{Width}",
        InputKind.Vector => $"vector {VectorDim}",
        _ => $"tokens (vocab {VocabSize}, max length {MaxLength})",
    };
}
