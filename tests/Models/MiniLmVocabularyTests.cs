using AftSweep.Transfer.Text;
using AftSweep.Transfer.Torch;

namespace AftSweep.Tests.Models;

public sealed class MiniLmVocabularyTests
{
    [Fact]
    public void Open_EmbeddedVocab_Has30522Lines()
    {
        using var reader = new StreamReader(MiniLmVocabulary.Open());
        var lines = 0;
        while (reader.ReadLine() is not null) lines++;
        Assert.Equal(MiniLmVocabulary.Size, lines);
    }

    [Fact]
    public void Encode_HelloWorld_BertUncasedIds()
    {
        var ids = TokenInputs.Encode(MiniLmVocabulary.Tokenizer, "Hello World", 128);
        Assert.Equal(new[] { 101, 7592, 2088, 102 }, ids);
    }

    [Fact]
    public void Encode_LongText_TruncatedToMaxLengthStartingWithCls()
    {
        var text = string.Join(' ', Enumerable.Repeat("knowledge transfer", 200));
        var ids = TokenInputs.Encode(MiniLmVocabulary.Tokenizer, text, 16);
        Assert.InRange(ids.Count, 2, 16);
        Assert.Equal(101, ids[0]);
    }
}
