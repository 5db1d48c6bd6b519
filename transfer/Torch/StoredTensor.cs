using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>One named tensor read from a weights file, still as raw little-endian bytes.</summary>
public sealed record StoredTensor(ScalarType DType, long[] Shape, byte[] Bytes)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>A CPU tensor with these contents (caller owns it).</summary>
    public Tensor ToTensor()
    {
        var t = empty(Shape, dtype: DType);
        if (Bytes.Length > 0) t.bytes = Bytes;
        return t;
    }
}
