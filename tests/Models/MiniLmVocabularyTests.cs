using AftSweep.Transfer.Text;

namespace AftSweep.Tests.Models;

/// <summary>The text downstream model and the MiniLM teacher share one vocabulary and framing.</summary>
public sealed class MiniLmVocabularyTests
{
    [Fact]
    public void MiniLm_Vocabulary_Has30522Tokens()
    {
        Assert.Equal(30522, WordPieceTokenizer.MiniLm.VocabularySize);
        Assert.Equal(0, WordPieceTokenizer.MiniLm.PadId);
    }

    [Fact]
    public void EncodeOne_LongText_TruncatedToMaxLengthFramedByClsAndSep()
    {
        var text = string.Join(' ', Enumerable.Repeat("knowledge transfer", 200));
        var ids = WordPieceTokenizer.MiniLm.EncodeOne(text, 16);
        Assert.Equal(16, ids.Length);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
    }
}
