using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AftSweep.Transfer.Artifacts;

/// <summary>
/// <see cref="IArtifactCache"/> over the blob store (the ft paraphraser weights, trained once per teacher set).
/// A caller's key becomes <c>artifacts/&lt;sha256(key)&gt;.bin</c>, so any string is a safe key. The blob is a
/// 48-byte header (magic "AFTA", u16 version, u16 reserved, u64 length, sha256 of the payload) then the bytes;
/// a blob that fails its check is deleted and reported as a miss, so a corrupt artifact is rebuilt, never used.
/// Writes are create-only: the key is a content key, so the first write wins and a rewrite changes nothing.
/// </summary>
public sealed class BlobArtifactCache(IBlobStore store, ILogger<BlobArtifactCache>? logger = null) : IArtifactCache
{
    public const string Prefix = "artifacts/";
    private const int HeaderSize = 48;
    private const ushort Version = 1;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public static string BlobKeyFor(string key) => $"{Prefix}{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}.bin";

    public byte[]? TryGet(string key) => Task.Run(() => TryGetAsync(key)).GetAwaiter().GetResult();

    public void Put(string key, byte[] bytes) => Task.Run(() => PutAsync(key, bytes)).GetAwaiter().GetResult();

    public async Task<byte[]?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blobKey = BlobKeyFor(key);
        var blob = await store.TryGetAsync(blobKey, cancellationToken).ConfigureAwait(false);
        if (blob is null) return null;
        var problem = Check(blob.Bytes.Span);
        if (problem is null) return blob.Bytes[HeaderSize..].ToArray();
        ArtifactCacheLog.ArtifactCorrupt(_logger, blobKey, store.Description, problem);
        await store.DeleteAsync(blobKey, cancellationToken).ConfigureAwait(false);
        return null;
    }

    public async Task PutAsync(string key, byte[] bytes, CancellationToken cancellationToken = default)
    {
        var blob = new byte[HeaderSize + bytes.Length];
        "AFTA"u8.CopyTo(blob);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), Version);
        BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(8), bytes.Length);
        SHA256.HashData(bytes, blob.AsSpan(16, 32));
        bytes.CopyTo(blob, HeaderSize);
        await store.PutIfAbsentAsync(BlobKeyFor(key), blob, cancellationToken).ConfigureAwait(false);
    }

    private static string? Check(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderSize || !blob[..4].SequenceEqual("AFTA"u8)) return "is not an artifact blob";
        var version = BinaryPrimitives.ReadUInt16LittleEndian(blob[4..]);
        if (version != Version) return $"has format version {version} (expected {Version})";
        if (BinaryPrimitives.ReadInt64LittleEndian(blob[8..]) != blob.Length - HeaderSize) return "has the wrong length";
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(blob[HeaderSize..], digest);
        return digest.SequenceEqual(blob.Slice(16, 32)) ? null : "fails its sha256 check";
    }
}
