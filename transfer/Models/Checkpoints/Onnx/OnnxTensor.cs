using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A TensorProto: an initializer or a Constant node's value. The data is held as the file stores it, either
/// <c>raw_data</c> (little-endian bytes, a slice of the file) or one of the typed repeated fields; the accessors
/// return it as a fresh array whichever it was. The element count is checked against the dims when read.
/// </summary>
public sealed class OnnxTensor
{
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly float[]? _floats;
    private readonly long[]? _int64s;
    private readonly int[]? _int32s;
    private readonly double[]? _doubles;

    internal OnnxTensor(string name, OnnxDataType dataType, long[] dims, ReadOnlyMemory<byte> raw, bool hasRaw,
        float[]? floats, long[]? int64s, int[]? int32s, double[]? doubles)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        HasRawData = hasRaw;
        _raw = raw;
        _floats = floats;
        _int64s = int64s;
        _int32s = int32s;
        _doubles = doubles;
    }

    public string Name { get; }
    public OnnxDataType DataType { get; }
    public IReadOnlyList<long> Dims { get; }
    /// <summary>True when the values were stored as <c>raw_data</c> rather than a typed field.</summary>
    public bool HasRawData { get; }

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dims) n *= d;
            return n;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";

    /// <summary>The values as float32 (Float tensors only).</summary>
    public float[] ToFloats()
    {
        Require(OnnxDataType.Float);
        return HasRawData ? MemoryMarshal.Cast<byte, float>(LittleEndianRaw()).ToArray() : (float[])(_floats ?? []).Clone();
    }

    /// <summary>The values as int64 (Int64 or Int32 tensors).</summary>
    public long[] ToInt64s()
    {
        if (DataType == OnnxDataType.Int32)
            return HasRawData ? MemoryMarshal.Cast<byte, int>(LittleEndianRaw()).ToArray().Select(v => (long)v).ToArray()
                : (_int32s ?? []).Select(v => (long)v).ToArray();
        Require(OnnxDataType.Int64);
        return HasRawData ? MemoryMarshal.Cast<byte, long>(LittleEndianRaw()).ToArray() : (long[])(_int64s ?? []).Clone();
    }

    /// <summary>A scalar (or one-element) Float or Double tensor's value.</summary>
    public double ToScalar()
    {
        if (ElementCount != 1) throw new InvalidDataException($"tensor '{Name}' has shape {ShapeText}, expected one value");
        return DataType switch
        {
            OnnxDataType.Float => ToFloats()[0],
            OnnxDataType.Double => HasRawData ? BinaryPrimitives.ReadDoubleLittleEndian(_raw.Span) : _doubles![0],
            OnnxDataType.Int64 or OnnxDataType.Int32 => ToInt64s()[0],
            _ => throw new InvalidDataException($"tensor '{Name}' is {DataType}, expected a number"),
        };
    }

    internal static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 8,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Int16 or OnnxDataType.UInt16 => 2,
        OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool => 1,
        OnnxDataType.Complex128 => 16,
        _ => 0, // strings and unknown types: no fixed size
    };

    /// <summary>How many values the stored field holds (for the check against the dims).</summary>
    internal long StoredCount => HasRawData
        ? ElementSize(DataType) is > 0 and var size ? _raw.Length / size : -1
        : _floats?.Length ?? _int64s?.Length ?? _int32s?.Length ?? _doubles?.Length ?? 0;

    internal int RawLength => _raw.Length;

    private void Require(OnnxDataType type)
    {
        if (DataType != type) throw new InvalidDataException($"tensor '{Name}' is {DataType}, expected {type}");
    }

    private ReadOnlySpan<byte> LittleEndianRaw()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this reader assumes a little-endian machine");
        return _raw.Span;
    }
}
