using System.Text;

namespace AftSweep.Tests.Checkpoints;

/// <summary>
/// Writes protobuf wire format by hand, so tests can build small ONNX models (and deliberately broken ones)
/// without a protobuf library: each method appends one field.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    public ProtoWriter Varint(int field, long value) { Tag(field, 0); Raw(value); return this; }

    public ProtoWriter Fixed32(int field, float value) { Tag(field, 5); _bytes.Write(BitConverter.GetBytes(value)); return this; }

    public ProtoWriter Bytes(int field, byte[] value) { Tag(field, 2); Raw(value.Length); _bytes.Write(value); return this; }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public ProtoWriter PackedVarints(int field, params long[] values)
    {
        var packed = new ProtoWriter();
        foreach (var v in values) packed.Raw(v);
        return Bytes(field, packed.ToArray());
    }

    public ProtoWriter PackedFloats(int field, params float[] values) =>
        Bytes(field, values.SelectMany(BitConverter.GetBytes).ToArray());

    private void Tag(int field, int wire) => Raw(((long)field << 3) | (uint)wire);

    private void Raw(long value)
    {
        var v = (ulong)value;
        while (v >= 0x80)
        {
            _bytes.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _bytes.WriteByte((byte)v);
    }
}
