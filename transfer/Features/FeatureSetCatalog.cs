using System.Runtime.CompilerServices;
using AftSweep.Contracts.Storage;

namespace AftSweep.Transfer.Features;

/// <summary>Reads what feature sets a store holds, without teachers (for `features ls` and tooling).</summary>
public sealed class FeatureSetCatalog(IBlobStore store)
{
    /// <summary>The manifest stored for <paramref name="setKey"/> (any status), or null when there is none.</summary>
    public async Task<FeatureManifest?> TryGetManifestAsync(string setKey, CancellationToken cancellationToken = default)
    {
        var key = FeatureSetKey.ManifestBlob(setKey);
        var blob = await store.TryGetAsync(key, cancellationToken).ConfigureAwait(false);
        return blob is null ? null : FeatureManifestSerializer.Parse(blob.Bytes.Span, key);
    }

    /// <summary>Every feature set in the store, including partial, orphaned and unreadable ones, by key.</summary>
    public async IAsyncEnumerable<FeatureSetSummary> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sets = new SortedDictionary<string, (bool HasManifest, int Blobs, long Bytes)>(StringComparer.Ordinal);
        await foreach (var entry in store.ListAsync(FeatureSetKey.Prefix, cancellationToken).ConfigureAwait(false))
        {
            var parts = entry.Key.Split('/');
            if (parts.Length != 3) continue;
            var isManifest = parts[2] == FeatureSetKey.ManifestName;
            sets.TryGetValue(parts[1], out var s);
            sets[parts[1]] = (s.HasManifest || isManifest, s.Blobs + (isManifest ? 0 : 1), s.Bytes + entry.Length);
        }
        foreach (var (key, info) in sets)
        {
            if (!info.HasManifest)
            {
                yield return new FeatureSetSummary(key, "orphan", null, null, null, 0, 0, info.Blobs, 0, info.Bytes, null,
                    "shards without a manifest (an extraction stopped before recording them); the next extraction reuses or replaces them");
                continue;
            }
            FeatureManifest? m = null;
            string? problem = null;
            try { m = await TryGetManifestAsync(key, cancellationToken).ConfigureAwait(false); }
            catch (FeatureStoreException e) { problem = e.Message; }
            if (m is null)
            {
                yield return new FeatureSetSummary(key, "unreadable", null, null, null, 0, 0, info.Blobs, 0, info.Bytes, null, problem ?? "manifest vanished while listing");
                continue;
            }
            yield return new FeatureSetSummary(key, m.Status == FeatureSetStatus.Complete ? "complete" : "partial", m.Teacher.Spec, m.Dataset.Name,
                m.Split, m.Rows, m.Dim, m.Shards.Count, m.ShardCount, info.Bytes, m.CreatedUtc, null);
        }
    }

    /// <summary>Deletes every blob of a set (manifest first, so no reader sees a manifest without its shards).</summary>
    public async Task<int> DeleteAsync(string setKey, CancellationToken cancellationToken = default)
    {
        var deleted = await store.DeleteAsync(FeatureSetKey.ManifestBlob(setKey), cancellationToken).ConfigureAwait(false) ? 1 : 0;
        var keys = new List<string>();
        await foreach (var e in store.ListAsync($"{FeatureSetKey.Prefix}{setKey}/", cancellationToken).ConfigureAwait(false)) keys.Add(e.Key);
        foreach (var k in keys)
            if (await store.DeleteAsync(k, cancellationToken).ConfigureAwait(false)) deleted++;
        return deleted;
    }
}
