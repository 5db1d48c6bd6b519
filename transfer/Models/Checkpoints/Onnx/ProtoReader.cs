using System.Buffers.Binary;
using System.Text;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// The protobuf wire format (protobuf.dev/programming-guides/encoding), just what ONNX messages use: varints,
/// 32/64-bit fixed values and length-delimited fields. Sub-messages and byte fields are slices of the caller's
/// buffer, so a model's tensor data is never copied while it is read. Every read is bounds-checked; a problem is a
/// <see cref="ProtoFormatException"/> carrying the absolute byte offset.
/// </summary>
internal struct ProtoReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _data;
    private readonly long _origin;
    private int _position;

    public ProtoReader(ReadOnlyMemory<byte> data, long origin = 0)
    {
        _data = data;
        _origin = origin;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;
    public readonly long Offset => _origin + _position;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, WireType Wire) ReadTag()
    {
        var start = Offset;
        var tag = ReadVarint();
        var field = tag >> 3;
        var wire = (WireType)(tag & 7);
        if (field == 0 || field > int.MaxValue) throw new ProtoFormatException($"invalid field number {field}", start);
        if (wire is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
            throw new ProtoFormatException($"field {field} has wire type {(int)wire}, which ONNX does not use (groups or an invalid type)", start);
        return ((int)field, wire);
    }

    public ulong ReadVarint()
    {
        var start = Offset;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw new ProtoFormatException("a varint runs past the end", start);
            var b = _data.Span[_position++];
            if (shift == 63 && b > 1) throw new ProtoFormatException("a varint is longer than 64 bits", start);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ProtoFormatException("a varint is longer than 10 bytes", start);
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>An int32 field (proto int32: negative values are sign-extended to 10 bytes on the wire).</summary>
    public int ReadInt32()
    {
        var start = Offset;
        var value = (long)ReadVarint();
        if (value is < int.MinValue or > int.MaxValue) throw new ProtoFormatException($"int32 value {value} is out of range", start);
        return (int)value;
    }

    public float ReadFloat() => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(Take(4, "a 32-bit value").Span));

    public double ReadDouble() => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(Take(8, "a 64-bit value").Span));

    /// <summary>A length-delimited field's bytes, as a slice of the buffer.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        var start = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw new ProtoFormatException($"a field of {length} bytes runs past the end ({_data.Length - _position} bytes left)", start);
        return Take((int)length, "a length-delimited field");
    }

    /// <summary>A sub-message: a reader over the field's bytes that reports offsets in the whole file.</summary>
    public ProtoReader ReadMessage()
    {
        var bytes = ReadBytes();
        return new ProtoReader(bytes, Offset - bytes.Length);
    }

    public string ReadString()
    {
        var start = Offset;
        var bytes = ReadBytes();
        try
        {
            return StrictUtf8.GetString(bytes.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoFormatException("a string field is not valid UTF-8", start);
        }
    }

    /// <summary>
    /// Appends a repeated scalar field's values: packed (one length-delimited run) or not (one value per tag), as
    /// protobuf parsers must accept both.
    /// </summary>
    public void ReadRepeatedInt64(WireType wire, List<long> into)
    {
        if (wire == WireType.Varint) { into.Add(ReadInt64()); return; }
        RequireWire(wire, WireType.LengthDelimited, "a repeated integer");
        var packed = ReadMessage();
        while (!packed.AtEnd) into.Add(packed.ReadInt64());
    }

    public void ReadRepeatedFloat(WireType wire, List<float> into)
    {
        if (wire == WireType.Fixed32) { into.Add(ReadFloat()); return; }
        RequireWire(wire, WireType.LengthDelimited, "a repeated float");
        var packed = ReadMessage();
        if (packed._data.Length % 4 != 0)
            throw new ProtoFormatException($"a packed float field of {packed._data.Length} bytes is not a multiple of 4", packed.Offset);
        while (!packed.AtEnd) into.Add(packed.ReadFloat());
    }

    public void ReadRepeatedDouble(WireType wire, List<double> into)
    {
        if (wire == WireType.Fixed64) { into.Add(ReadDouble()); return; }
        RequireWire(wire, WireType.LengthDelimited, "a repeated double");
        var packed = ReadMessage();
        if (packed._data.Length % 8 != 0)
            throw new ProtoFormatException($"a packed double field of {packed._data.Length} bytes is not a multiple of 8", packed.Offset);
        while (!packed.AtEnd) into.Add(packed.ReadDouble());
    }

    /// <summary>Throws unless the field arrived with the wire type its schema declares.</summary>
    public readonly void RequireWire(WireType actual, WireType expected, string what)
    {
        if (actual != expected)
            throw new ProtoFormatException($"{what} arrived with wire type {(int)actual}, expected {(int)expected}", Offset);
    }

    /// <summary>Skips a field this reader does not need (unknown fields are legal protobuf).</summary>
    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8, "a 64-bit value"); break;
            case WireType.Fixed32: Take(4, "a 32-bit value"); break;
            default: ReadBytes(); break;
        }
    }

    private ReadOnlyMemory<byte> Take(int count, string what)
    {
        if (count > _data.Length - _position)
            throw new ProtoFormatException($"{what} runs past the end ({_data.Length - _position} bytes left, {count} needed)", Offset);
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}

internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
