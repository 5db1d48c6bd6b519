using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Features;

/// <summary>
/// One shard on the wire, version 1: a 64-byte little-endian header, then rows x dim float32 little-endian,
/// row-major. Header: magic "AFTS" | u16 version | u16 dtype (1 = float32) | u32 rows | u32 dim |
/// u64 first row in the split | u64 reserved (0) | sha256 of the payload (32 bytes). The payload hash makes a
/// shard self-checking, so an interrupted extraction can reuse finished shards even before the manifest lists
/// them; the manifest's sha256 covers the whole blob (header included).
/// </summary>
public static class ShardFormat
{
    public const int HeaderSize = 64;
    public const ushort Version = 1;
    public const ushort DtypeFloat32 = 1;
    public const int DefaultShardRows = 4096;
    private static ReadOnlySpan<byte> Magic => "AFTS"u8;

    public static long BlobLength(int rows, int dim) => HeaderSize + (long)rows * dim * sizeof(float);

    /// <summary>Encodes rows [0, m.Rows) of <paramref name="m"/> as a shard starting at <paramref name="startRow"/>.</summary>
    public static byte[] Encode(FeatureMatrix m, long startRow)
    {
        var bytes = new byte[BlobLength(m.Rows, m.Dim)];
        var payload = bytes.AsSpan(HeaderSize);
        var values = m.Data.AsSpan();
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(payload);
        else
            for (var i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(payload[(i * 4)..], values[i]);
        var header = new ShardHeader(Version, DtypeFloat32, m.Rows, m.Dim, startRow, SHA256.HashData(payload));
        header.Write(bytes);
        return bytes;
    }

    /// <summary>Reads the header, or explains why <paramref name="blob"/> is not a shard this code reads.</summary>
    public static ShardHeader ReadHeader(ReadOnlySpan<byte> blob, string where)
    {
        if (blob.Length < HeaderSize) throw new FeatureStoreException($"{where}: {blob.Length} bytes is too short for a shard header ({HeaderSize} bytes)");
        if (!blob[..4].SequenceEqual(Magic)) throw new FeatureStoreException($"{where}: not a feature shard (magic is not 'AFTS')");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        if (version > Version)
            throw new FeatureSchemaException($"{where}: shard format version {version} is newer than this aftsweep reads ({Version}); upgrade aftsweep");
        if (version != Version)
            throw new FeatureStoreException($"{where}: shard format version {version} is unknown (expected {Version})");
        var dtype = BinaryPrimitives.ReadUInt16LittleEndian(blob[6..]);
        if (dtype != DtypeFloat32) throw new FeatureStoreException($"{where}: dtype code {dtype}; expected {DtypeFloat32} (float32)");
        var rows = BinaryPrimitives.ReadUInt32LittleEndian(blob[8..]);
        var dim = BinaryPrimitives.ReadUInt32LittleEndian(blob[12..]);
        if (rows > int.MaxValue || dim is 0 or > int.MaxValue) throw new FeatureStoreException($"{where}: shard shape [{rows}, {dim}] is out of range");
        var start = BinaryPrimitives.ReadInt64LittleEndian(blob[16..]);
        return new ShardHeader(version, dtype, (int)rows, (int)dim, start, blob.Slice(32, 32).ToArray());
    }

    /// <summary>Copies a verified payload into <paramref name="destination"/> (rows x dim floats).</summary>
    public static void DecodePayload(ReadOnlySpan<byte> payload, Span<float> destination)
    {
        if (payload.Length != destination.Length * sizeof(float))
            throw new ArgumentException($"payload of {payload.Length} bytes does not fill {destination.Length} floats");
        if (BitConverter.IsLittleEndian) payload.CopyTo(MemoryMarshal.AsBytes(destination));
        else
            for (var i = 0; i < destination.Length; i++)
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * 4)..]);
    }

    /// <summary>After reading little-endian bytes straight into floats: fixes their order on a big-endian machine.</summary>
    public static void FixEndianInPlace(Span<float> values)
    {
        if (BitConverter.IsLittleEndian) return;
        var ints = MemoryMarshal.Cast<float, int>(values);
        BinaryPrimitives.ReverseEndianness(ints, ints);
    }
}

/// <summary>The decoded 64-byte shard header.</summary>
public sealed record ShardHeader(ushort Version, ushort Dtype, int Rows, int Dim, long StartRow, byte[] PayloadSha256)
{
    public void Write(Span<byte> blob)
    {
        "AFTS"u8.CopyTo(blob);
        BinaryPrimitives.WriteUInt16LittleEndian(blob[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(blob[6..], Dtype);
        BinaryPrimitives.WriteUInt32LittleEndian(blob[8..], (uint)Rows);
        BinaryPrimitives.WriteUInt32LittleEndian(blob[12..], (uint)Dim);
        BinaryPrimitives.WriteInt64LittleEndian(blob[16..], StartRow);
        BinaryPrimitives.WriteInt64LittleEndian(blob[24..], 0);
        PayloadSha256.CopyTo(blob[32..]);
    }
}
