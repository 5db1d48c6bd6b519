namespace AftSweep.Contracts.Storage;

/// <summary>
/// A flat key -> bytes store small enough to implement over a local folder and over Azure Blob Storage.
/// Keys are validated by <see cref="BlobKey"/>: '/'-separated segments of [A-Za-z0-9._-], no "." or "..".
/// Expected outcomes (not found, a failed write condition) are return values; everything else throws
/// <see cref="BlobStoreException"/> whose message names the store (<see cref="Description"/>) and the key, never a secret.
/// </summary>
public interface IBlobStore
{
    /// <summary>Where this store is, safe to print ("local:/var/aftsweep", "azure:devstoreaccount1/aftsweep").</summary>
    string Description { get; }

    /// <summary>The blob's bytes and ETag, or null when it does not exist.</summary>
    Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>A stream over the blob's bytes, or null when it does not exist. The caller disposes it.</summary>
    Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Size, ETag and modification time, or null when the blob does not exist.</summary>
    Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the blob atomically (readers see the old bytes or the new ones, never a mix) if
    /// <paramref name="condition"/> holds. Returns the new ETag, or null when the condition failed
    /// (the blob exists for <see cref="BlobCondition.IfAbsent"/>, or its ETag differs for an if-match).
    /// </summary>
    Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default);

    /// <summary>Every blob whose key starts with <paramref name="prefix"/> (may be empty), in no particular order.</summary>
    IAsyncEnumerable<BlobEntry> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
