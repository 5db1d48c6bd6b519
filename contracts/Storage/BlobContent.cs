namespace AftSweep.Contracts.Storage;

/// <summary>A blob read whole: its bytes and the ETag they were read at (for a later if-match write).</summary>
public sealed record BlobContent(ReadOnlyMemory<byte> Bytes, string ETag);

/// <summary>A listed blob, or a blob's properties.</summary>
public sealed record BlobEntry(string Key, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>An open read of a blob: the stream plus its length and ETag. Dispose to release the stream.</summary>
public sealed class BlobReadStream(Stream stream, long length, string etag) : IAsyncDisposable, IDisposable
{
    public Stream Stream { get; } = stream;
    public long Length { get; } = length;
    public string ETag { get; } = etag;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
    public void Dispose() => Stream.Dispose();
}
