namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// A student whose first layer is a token-embedding table. A trial restricts the table to the tokens its rows use:
/// rows of other tokens never take part in a forward or backward pass, so dropping them changes no result, while
/// a full WordPiece table (30,522 x 384 for MiniLM, two thirds of a 3-layer student's parameters) would otherwise be
/// updated by Adam at every step.
/// </summary>
public interface ITokenEmbeddingStudent
{
    /// <summary>Rows in the table now.</summary>
    int VocabularySize { get; }

    /// <summary>Keeps only the rows of <paramref name="ids"/> (ascending, distinct, the pad id among them); token
    /// <c>ids[k]</c> becomes <c>k</c>. Call before the optimiser is built.</summary>
    void RestrictVocabulary(long[] ids);
}
