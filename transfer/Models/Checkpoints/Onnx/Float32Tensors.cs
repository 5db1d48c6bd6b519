using System.Runtime.InteropServices;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>ONNX float tensors as <see cref="StoredTensor"/>s (float32, little-endian bytes), as stored or transposed.</summary>
internal static class Float32Tensors
{
    public static StoredTensor From(float[] values, long[] shape) =>
        new(ScalarType.Float32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static StoredTensor From(OnnxTensor tensor) => From(tensor.ToFloats(), [.. tensor.Dims]);

    /// <summary>How many values the tensors hold, e.g. "22.71M", for descriptions.</summary>
    public static string CountText(IEnumerable<StoredTensor> tensors) =>
        (tensors.Sum(t => t.Bytes.LongLength / sizeof(float)) / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "M";

    /// <summary>A 2-D tensor [rows, cols] stored as its transpose [cols, rows].</summary>
    public static StoredTensor Transposed(OnnxTensor tensor)
    {
        if (tensor.Dims.Count != 2) throw new InvalidDataException($"tensor '{tensor.Name}' has shape {tensor.ShapeText}, expected a matrix");
        var rows = (int)tensor.Dims[0];
        var cols = (int)tensor.Dims[1];
        var source = tensor.ToFloats();
        var result = new float[source.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                result[c * rows + r] = source[r * cols + c];
        return From(result, [cols, rows]);
    }
}
