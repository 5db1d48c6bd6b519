namespace AftSweep.Transfer.Teachers.Onnx;

public enum TextPooling
{
    /// <summary>Mean of the token vectors under the attention mask (sentence-transformers' mean pooling).</summary>
    Mean = 1,
    /// <summary>The [CLS] token's vector (arctic-embed's pooling).</summary>
    Cls = 2,
    /// <summary>The output is already one vector per text ([batch, d]).</summary>
    None = 3,
}
