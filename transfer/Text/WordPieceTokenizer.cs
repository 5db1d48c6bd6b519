using AftSweep.Transfer.Bundled;
using Microsoft.ML.Tokenizers;

namespace AftSweep.Transfer.Text;

/// <summary>
/// BERT WordPiece tokenization (Microsoft.ML.Tokenizers' BertTokenizer: basic tokenization, lower-casing and accent
/// stripping as uncased BERT vocabularies expect) with the [CLS] ... [SEP] framing, truncation and padding the ONNX
/// sentence models take. <see cref="MiniLm"/> is the MiniLM vocabulary, shared by the text-transformer downstream
/// model so its ids match the teacher's.
/// </summary>
public sealed class WordPieceTokenizer
{
    private static readonly Lazy<WordPieceTokenizer> MiniLmInstance = new(() => FromVocabulary(BundledModels.MiniLm.ReadVocabulary()));
    private static readonly Lazy<WordPieceTokenizer> ArcticXsInstance = new(() => FromVocabulary(BundledModels.ArcticXs.ReadVocabulary()));

    private readonly BertTokenizer _tokenizer;

    private WordPieceTokenizer(BertTokenizer tokenizer, int vocabularySize)
    {
        _tokenizer = tokenizer;
        VocabularySize = vocabularySize;
    }

    /// <summary>The vocabulary of the bundled MiniLM (bert-base-uncased WordPiece, 30,522 tokens).</summary>
    public static WordPieceTokenizer MiniLm => MiniLmInstance.Value;
    /// <summary>The vocabulary of the bundled arctic-embed-xs.</summary>
    public static WordPieceTokenizer ArcticXs => ArcticXsInstance.Value;

    /// <summary>From a vocab.txt (one token per line, id = line number), lower-casing for uncased models.</summary>
    public static WordPieceTokenizer FromVocabulary(byte[] vocabTxt, bool lowerCase = true)
    {
        using var stream = new MemoryStream(vocabTxt);
        var tokenizer = BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        var size = new StreamReader(new MemoryStream(vocabTxt)).ReadToEnd().Split('\n').Count(l => l.TrimEnd('\r').Length > 0);
        return new WordPieceTokenizer(tokenizer, size);
    }

    public int VocabularySize { get; }
    public int ClsId => _tokenizer.ClassificationTokenId;
    public int SepId => _tokenizer.SeparatorTokenId;
    public int PadId => _tokenizer.PaddingTokenId;

    /// <summary>[CLS] tokens [SEP] of one text, word pieces cut to <paramref name="maxLength"/> - 2.</summary>
    public int[] EncodeOne(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var pieces = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        var n = Math.Min(pieces.Count, maxLength - 2);
        var ids = new int[n + 2];
        ids[0] = ClsId;
        for (var i = 0; i < n; i++) ids[i + 1] = pieces[i];
        ids[n + 1] = SepId;
        return ids;
    }

    /// <summary>A padded batch: every text framed and truncated to <paramref name="maxLength"/>, padded to the longest.</summary>
    public TokenBatch Encode(IReadOnlyList<string> texts, int maxLength) => Pad(texts.Select(t => EncodeOne(t, maxLength)).ToArray());

    /// <summary>Pads already encoded rows (from <see cref="EncodeOne"/>) into a batch.</summary>
    public TokenBatch Pad(IReadOnlyList<int[]> rows)
    {
        var length = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        for (var r = 0; r < rows.Count; r++)
        {
            var offset = r * length;
            for (var t = 0; t < length; t++)
            {
                var real = t < rows[r].Length;
                ids[offset + t] = real ? rows[r][t] : PadId;
                mask[offset + t] = real ? 1 : 0;
            }
        }
        return new TokenBatch(rows.Count, length, ids, mask, new long[ids.Length]);
    }
}
