using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Text;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>The tokenizer a text student reads with: its checkpoint's vocabulary (and casing), else MiniLM's.</summary>
public static class StudentTokenizer
{
    public static WordPieceTokenizer For(Checkpoint? checkpoint)
    {
        if (checkpoint?.Vocabulary is not { } vocabulary) return WordPieceTokenizer.MiniLm;
        try
        {
            return WordPieceTokenizer.FromVocabulary(vocabulary, checkpoint.LowerCase ?? true);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new CheckpointException(checkpoint.Source, $"the vocabulary is not a WordPiece vocab.txt: {e.Message}");
        }
    }

    /// <summary>Max tokens per row (option <c>maxLength</c>), at most what the model's positions allow.</summary>
    public static int MaxLength(ModelOptions options, int positions, int fallback = 128) =>
        options.Int("maxLength", Math.Min(fallback, positions), 2, positions);
}
