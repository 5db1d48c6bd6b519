using AftSweep.Transfer.Data;
using AftSweep.Transfer.Text;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>How a student wants its examples: the input pipeline belongs to the checkpoint as much as the weights do
/// (a BERT checkpoint's vocabulary, an ImageNet checkpoint's resolution and normalisation).</summary>
public abstract record StudentInput
{
    /// <summary>The split's examples as this student reads them, held on <paramref name="device"/>.</summary>
    public abstract InputTensor Load(LabeledSplit split, Device device);

    protected static T Require<T>(T? payload, string what) where T : class =>
        payload ?? throw new ArgumentException($"the student reads {what}, but the split has none");
}

/// <summary>Texts tokenized with the checkpoint's WordPiece vocabulary, [CLS] ... [SEP], cut to <see cref="MaxLength"/>.</summary>
public sealed record TextStudentInput(WordPieceTokenizer Tokenizer, int MaxLength) : StudentInput
{
    public override InputTensor Load(LabeledSplit split, Device device) => Load(Encode(split), null, device);

    /// <summary>The split's rows as token ids in the tokenizer's numbering.</summary>
    public int[][] Encode(LabeledSplit split) => TokenInputs.Encode(Require(split.Texts, "texts"), Tokenizer, MaxLength);

    /// <summary>Encoded rows on the device, renumbered into <paramref name="subset"/> when the student's embedding
    /// table was restricted to it.</summary>
    public InputTensor Load(int[][] encoded, VocabularySubset? subset, Device device)
    {
        if (subset is null) return new TokenInputs(encoded, Tokenizer.PadId, device);
        var compact = encoded.Select(row => row.Select(subset.Compact).ToArray()).ToArray();
        return new TokenInputs(compact, subset.Compact(Tokenizer.PadId), device);
    }
}

/// <summary>Images resized and normalised as the checkpoint expects.</summary>
public sealed record ImageStudentInput(ImagePreprocessing Preprocessing) : StudentInput
{
    public override InputTensor Load(LabeledSplit split, Device device) =>
        new ImageInputs(Require(split.Images, "images"), device, Preprocessing);
}

/// <summary>Float vectors, as stored.</summary>
public sealed record VectorStudentInput : StudentInput
{
    public static VectorStudentInput Instance { get; } = new();

    public override InputTensor Load(LabeledSplit split, Device device)
    {
        var vectors = Require(split.Vectors, "vectors");
        return new VectorInputs(vectors.Values, vectors.Count, vectors.Dim, device);
    }
}
