using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace AftSweep.Infra.Database.Legacy;

/// <summary>
/// Reads the segment files of the journal that kept state and records before the state database (format version 1,
/// written by AftSweep up to commit 41291ed): the 8-byte header "AFTSEG\0\x01", then frames of u32 body length, u32
/// CRC-32 of the body, body = op (1 put, 2 delete), version (i64), sequence (i64), key length (u16), key (UTF-8),
/// payload; little-endian. A frame that runs past the end or fails its CRC is a torn tail: the segment ends there.
/// Read-only: nothing writes this format any more.
/// </summary>
public static class LegacySegmentFile
{
    public const string Extension = ".seg";
    private const int HeaderLength = 8;
    private const int PrefixLength = 8;
    private const int FixedBody = 1 + 8 + 8 + 2;
    private const int MaxBody = 64 << 20;
    private static ReadOnlySpan<byte> Header => "AFTSEG\0\u0001"u8;

    /// <summary>One frame: the key's value at (version, sequence); <see cref="Payload"/> is empty for a deletion.</summary>
    public sealed record Frame(bool Deleted, string Key, long Version, long Sequence, byte[] Payload);

    /// <summary>Every intact frame of a segment, in file order.</summary>
    /// <exception cref="InvalidDataException">The file is not a version-1 segment.</exception>
    public static IReadOnlyList<Frame> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, HeaderLength).SequenceEqual(Header))
            throw new InvalidDataException($"{path}: not an AftSweep journal segment (expected the header AFTSEG format 1)");
        var frames = new List<Frame>();
        var position = HeaderLength;
        while (bytes.Length - position >= PrefixLength)
        {
            var span = bytes.AsSpan(position);
            var body = BinaryPrimitives.ReadUInt32LittleEndian(span);
            if (body < FixedBody || body > MaxBody || span.Length < PrefixLength + body) break;
            var frame = span.Slice(PrefixLength, (int)body);
            if (Crc32.HashToUInt32(frame) != BinaryPrimitives.ReadUInt32LittleEndian(span[4..])) break;
            var op = frame[0];
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(frame[17..]);
            if (op is not (1 or 2) || FixedBody + keyLength > body) break;
            frames.Add(new Frame(
                Deleted: op == 2,
                Key: Encoding.UTF8.GetString(frame.Slice(FixedBody, keyLength)),
                Version: BinaryPrimitives.ReadInt64LittleEndian(frame[1..]),
                Sequence: BinaryPrimitives.ReadInt64LittleEndian(frame[9..]),
                Payload: frame[(FixedBody + keyLength)..].ToArray()));
            position += PrefixLength + (int)body;
        }
        return frames;
    }

    /// <summary>The latest frame of every key across a folder's segments: the highest (version, sequence) wins.</summary>
    public static IReadOnlyDictionary<string, Frame> Latest(string folder)
    {
        var latest = new Dictionary<string, Frame>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return latest;
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension).Order(StringComparer.Ordinal))
        {
            foreach (var frame in Read(path))
            {
                if (!latest.TryGetValue(frame.Key, out var known) || (frame.Version, frame.Sequence).CompareTo((known.Version, known.Sequence)) > 0)
                    latest[frame.Key] = frame;
            }
        }
        return latest;
    }
}
