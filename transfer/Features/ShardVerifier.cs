using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AftSweep.Transfer.Features;

public enum ShardReadOutcome { Ok = 0, Missing = 1, Corrupt = 2 }

/// <summary>
/// Checks shard bytes against a manifest entry and decodes them into the caller's buffer. The file path reads
/// straight into the destination floats (no intermediate buffer) while hashing incrementally, so cached reads
/// run at the speed of sha256 and the page cache.
/// </summary>
public static class ShardVerifier
{
    private const int ReadChunk = 256 << 10;

    /// <summary>Verifies an in-memory blob; on success copies its payload into <paramref name="destination"/>.</summary>
    public static ShardReadOutcome VerifyAndDecode(ReadOnlySpan<byte> blob, ManifestShard shard, int dim, Span<float> destination, out string problem)
    {
        if (blob.Length != shard.Bytes) { problem = $"is {blob.Length} bytes, expected {shard.Bytes}"; return ShardReadOutcome.Corrupt; }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(blob, digest);
        if (!HashMatches(digest, shard.Sha256)) { problem = "fails its sha256 check"; return ShardReadOutcome.Corrupt; }
        if (!HeaderMatches(blob[..ShardFormat.HeaderSize], shard, dim, out problem)) return ShardReadOutcome.Corrupt;
        ShardFormat.DecodePayload(blob[ShardFormat.HeaderSize..], destination);
        problem = "";
        return ShardReadOutcome.Ok;
    }

    /// <summary>Reads and verifies a shard file into <paramref name="destination"/> (rows x dim floats).</summary>
    public static ShardReadOutcome ReadFileInto(string path, ManifestShard shard, int dim, Span<float> destination, out string problem)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length != shard.Bytes) { problem = $"is {length} bytes, expected {shard.Bytes}"; return ShardReadOutcome.Corrupt; }
            Span<byte> header = stackalloc byte[ShardFormat.HeaderSize];
            var payload = MemoryMarshal.AsBytes(destination);
            if (payload.Length != length - ShardFormat.HeaderSize) throw new ArgumentException("destination does not match the shard's rows x dim");
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            if (!ReadExactly(handle, header, 0)) { problem = "was truncated while reading"; return ShardReadOutcome.Corrupt; }
            hash.AppendData(header);
            // Hash each chunk right after reading it, while it is still in the CPU cache: one trip through memory, not two.
            for (var at = 0; at < payload.Length; at += ReadChunk)
            {
                var chunk = payload.Slice(at, Math.Min(ReadChunk, payload.Length - at));
                if (!ReadExactly(handle, chunk, ShardFormat.HeaderSize + at)) { problem = "was truncated while reading"; return ShardReadOutcome.Corrupt; }
                hash.AppendData(chunk);
            }
            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            if (!HashMatches(digest, shard.Sha256)) { problem = "fails its sha256 check"; return ShardReadOutcome.Corrupt; }
            if (!HeaderMatches(header, shard, dim, out problem)) return ShardReadOutcome.Corrupt;
            ShardFormat.FixEndianInPlace(destination);
            return ShardReadOutcome.Ok;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problem = "is missing";
            return ShardReadOutcome.Missing;
        }
    }

    /// <summary>
    /// A shard blob that no manifest lists yet (left by an interrupted extraction): valid when its header
    /// describes exactly the expected rows and its payload matches the sha256 in its header.
    /// </summary>
    public static bool IsSelfConsistent(ReadOnlySpan<byte> blob, int startRow, int rows, int dim, out string problem)
    {
        if (blob.Length != ShardFormat.BlobLength(rows, dim)) { problem = $"is {blob.Length} bytes, expected {ShardFormat.BlobLength(rows, dim)}"; return false; }
        ShardHeader header;
        try { header = ShardFormat.ReadHeader(blob, "shard"); }
        catch (FeatureStoreException e) { problem = e.Message; return false; }
        if (header.Rows != rows || header.Dim != dim || header.StartRow != startRow)
        {
            problem = $"header says rows [{header.StartRow}, +{header.Rows}) x {header.Dim}, expected [{startRow}, +{rows}) x {dim}";
            return false;
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(blob[ShardFormat.HeaderSize..], digest);
        if (!digest.SequenceEqual(header.PayloadSha256)) { problem = "payload fails the sha256 in its header"; return false; }
        problem = "";
        return true;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static bool HeaderMatches(ReadOnlySpan<byte> header, ManifestShard shard, int dim, out string problem)
    {
        ShardHeader h;
        try { h = ShardFormat.ReadHeader(header, shard.Blob); }
        catch (FeatureStoreException e) { problem = e.Message; return false; }
        if (h.Rows != shard.Rows || h.Dim != dim || h.StartRow != shard.StartRow)
        {
            problem = $"header says rows [{h.StartRow}, +{h.Rows}) x {h.Dim}, manifest says [{shard.StartRow}, +{shard.Rows}) x {dim}";
            return false;
        }
        problem = "";
        return true;
    }

    private static bool HashMatches(ReadOnlySpan<byte> digest, string expectedHex)
    {
        Span<byte> expected = stackalloc byte[32];
        return Convert.FromHexString(expectedHex, expected, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32 && digest.SequenceEqual(expected);
    }

    private static bool ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var n = RandomAccess.Read(handle, buffer, offset);
            if (n == 0) return false;
            buffer = buffer[n..];
            offset += n;
        }
        return true;
    }
}
