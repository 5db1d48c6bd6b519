using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace AftSweep.Infra.Journal;

/// <summary>What a frame says about its key. Numbers are persisted: never renumber.</summary>
public enum JournalOp : byte
{
    Put = 1,
    Delete = 2,
}

/// <summary>
/// The segment file format (version 1). A segment starts with the 8-byte header "AFTSEG\0" + format version, then
/// frames: u32 body length, u32 CRC-32 of the body, body = op (u8), version (i64), sequence (i64), key length (u16),
/// key (UTF-8), payload. All little-endian. A frame whose length runs past the end of the file or whose CRC does not
/// match is a torn tail (a crash mid-append): the segment ends before it.
/// </summary>
public static class JournalFrame
{
    public const byte FormatVersion = 1;
    public const int HeaderLength = 8;
    public const int PrefixLength = 8;
    /// <summary>Body bytes before the key: op, version, sequence, key length.</summary>
    public const int FixedBody = 1 + 8 + 8 + 2;
    /// <summary>Upper bound on one frame's body, so a corrupt length cannot make a reader allocate gigabytes.</summary>
    public const int MaxBody = 64 << 20;

    public static ReadOnlySpan<byte> Header => "AFTSEG\0\u0001"u8;

    public static byte[] Encode(JournalOp op, string key, long version, long sequence, ReadOnlySpan<byte> payload)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > ushort.MaxValue) throw new ArgumentException($"journal key '{key[..64]}...' is longer than {ushort.MaxValue} bytes", nameof(key));
        var body = FixedBody + keyBytes.Length + payload.Length;
        if (body > MaxBody) throw new ArgumentException($"journal frame for '{key}' is {body} bytes, over the {MaxBody}-byte limit", nameof(payload));
        var frame = new byte[PrefixLength + body];
        var span = frame.AsSpan(PrefixLength);
        span[0] = (byte)op;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], version);
        BinaryPrimitives.WriteInt64LittleEndian(span[9..], sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(span[17..], (ushort)keyBytes.Length);
        keyBytes.CopyTo(span[FixedBody..]);
        payload.CopyTo(span[(FixedBody + keyBytes.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(span));
        return frame;
    }

    /// <summary>One decoded frame; the payload is located, not copied (offset within the segment file).</summary>
    public readonly record struct Decoded(JournalOp Op, string Key, long Version, long Sequence, long PayloadOffset, int PayloadLength, int FrameLength);

    /// <summary>Decodes the frame at the start of <paramref name="buffer"/> (which sits at <paramref name="fileOffset"/>); false on a torn or incomplete frame.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, long fileOffset, out Decoded frame, out bool needMore)
    {
        frame = default;
        needMore = false;
        if (buffer.Length < PrefixLength)
        {
            needMore = true;
            return false;
        }
        var body = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (body < FixedBody || body > MaxBody) return false;
        if (buffer.Length < PrefixLength + body)
        {
            needMore = true;
            return false;
        }
        var span = buffer.Slice(PrefixLength, (int)body);
        if (Crc32.HashToUInt32(span) != BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..])) return false;
        var op = (JournalOp)span[0];
        if (op is not (JournalOp.Put or JournalOp.Delete)) return false;
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(span[17..]);
        if (FixedBody + keyLength > body) return false;
        var key = Encoding.UTF8.GetString(span.Slice(FixedBody, keyLength));
        var payloadOffset = FixedBody + keyLength;
        frame = new Decoded(op, key, BinaryPrimitives.ReadInt64LittleEndian(span[1..]), BinaryPrimitives.ReadInt64LittleEndian(span[9..]),
            fileOffset + PrefixLength + payloadOffset, (int)body - payloadOffset, PrefixLength + (int)body);
        return true;
    }
}
