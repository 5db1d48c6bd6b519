using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// One named tensor of a checkpoint: what the file says it is (dtype, shape), and how to read its bytes. Reading is
/// deferred, so checking a checkpoint against a model (names, shapes, dtypes) touches no tensor data.
/// </summary>
public sealed class CheckpointTensor
{
    private readonly Func<byte[]> _read;

    public CheckpointTensor(string name, ScalarType dtype, long[] shape, Func<byte[]> read)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        _read = read;
    }

    public string Name { get; }
    public ScalarType DType { get; }
    public long[] Shape { get; }
    public string ShapeText => ShapeOf(Shape);

    public bool IsFloatingPoint => DType is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    public static CheckpointTensor From(string name, StoredTensor stored) => new(name, stored.DType, stored.Shape, () => stored.Bytes);

    /// <summary>A CPU tensor with the stored contents, in the stored dtype (caller owns it).</summary>
    public Tensor ToTensor()
    {
        var bytes = _read();
        var t = empty(Shape, dtype: DType);
        if (bytes.Length > 0) t.bytes = bytes;
        return t;
    }

    public static string ShapeOf(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
