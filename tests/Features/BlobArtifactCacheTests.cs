using AftSweep.Contracts.Storage;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Storage;
using AftSweep.Transfer.Artifacts;

namespace AftSweep.Tests.Features;

public sealed class BlobArtifactCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void BlobArtifactCache_PutThenGet_ReturnsBytesAndMissesUnknownKeys()
    {
        var cache = new BlobArtifactCache(new LocalFolderBlobStore(_temp.Path));
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        cache.Put("ft/paraphraser/teachers=a+b/seed=0", bytes);
        Assert.Equal(bytes, cache.TryGet("ft/paraphraser/teachers=a+b/seed=0"));
        Assert.Null(cache.TryGet("ft/paraphraser/teachers=a/seed=0"));
    }

    [Fact]
    public async Task BlobArtifactCache_CorruptBlob_IsAMissAndIsRemoved()
    {
        var store = new LocalFolderBlobStore(_temp.Path);
        var cache = new BlobArtifactCache(store);
        cache.Put("k", new byte[100]);
        var blobKey = BlobArtifactCache.BlobKeyFor("k");
        TestStores.FlipFileByte(store.PathOf(blobKey), 70);
        Assert.Null(cache.TryGet("k"));
        Assert.Null(await store.TryGetAsync(blobKey));
        cache.Put("k", new byte[100]);
        Assert.Equal(new byte[100], cache.TryGet("k"));
    }
}
