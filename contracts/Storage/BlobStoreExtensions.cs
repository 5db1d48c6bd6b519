namespace AftSweep.Contracts.Storage;

/// <summary>The common calls spelled over <see cref="IBlobStore"/>'s primitives.</summary>
public static class BlobStoreExtensions
{
    /// <summary>The blob's bytes; a missing blob is an error naming the store and key.</summary>
    public static async Task<BlobContent> GetAsync(this IBlobStore store, string key, CancellationToken cancellationToken = default) =>
        await store.TryGetAsync(key, cancellationToken).ConfigureAwait(false)
        ?? throw new BlobStoreException(store.Description, key, "get", $"blob '{key}' does not exist in {store.Description}", status: 404);

    /// <summary>Unconditional write (last writer wins). Returns the new ETag.</summary>
    public static async Task<string> PutAsync(this IBlobStore store, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        await store.TryPutAsync(key, content, BlobCondition.None, cancellationToken).ConfigureAwait(false)
        ?? throw new BlobStoreException(store.Description, key, "put", $"unconditional write of '{key}' to {store.Description} reported a failed condition");

    /// <summary>Create-only write: true when this call created the blob, false when it already existed.</summary>
    public static async Task<bool> PutIfAbsentAsync(this IBlobStore store, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        await store.TryPutAsync(key, content, BlobCondition.IfAbsent, cancellationToken).ConfigureAwait(false) is not null;
}
