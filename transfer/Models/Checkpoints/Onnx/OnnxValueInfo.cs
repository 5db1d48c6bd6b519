namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A graph input or output (ValueInfoProto with a tensor type): its element type and shape, each dimension a
/// number or a symbolic name such as "batch" (null when the file leaves it unspecified).
/// </summary>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDimension> Shape)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

public readonly record struct OnnxDimension(long? Value, string? Symbol)
{
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
