namespace AftSweep.Transfer.Models.Bert;

/// <summary>How <see cref="BertStudent"/> turns token outputs (B, L, H) into features (B, H).</summary>
public enum BertPooling
{
    /// <summary>The first ([CLS]) position's output (arctic-embed's pooling; BERT fine-tuning's usual input).</summary>
    Cls = 1,
    /// <summary>The mean over non-padding positions (sentence-transformers' mean pooling, as all-MiniLM-L6-v2).</summary>
    Mean = 2,
}
