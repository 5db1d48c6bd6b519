using System.Text;
using AftSweep.Contracts.Storage;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Storage;

/// <summary>The same behaviour from both backends: the local folder and Azure Blob Storage (a real Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobStoreContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task BlobStore_PutThenGet_ReturnsSameBytesAndETag(string backend)
    {
        var store = TestStores.Create(backend, azurite, _temp);
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        var etag = await store.PutAsync("a/b/c.bin", bytes);
        var read = await store.GetAsync("a/b/c.bin");
        Assert.Equal(bytes, read.Bytes.ToArray());
        Assert.Equal(etag, read.ETag);
        var props = await store.TryGetPropertiesAsync("a/b/c.bin");
        Assert.Equal(bytes.Length, props!.Length);
        await using var stream = await store.TryOpenReadAsync("a/b/c.bin");
        var copy = new MemoryStream();
        await stream!.Stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task BlobStore_MissingKey_ReturnsNullAndGetThrowsNamingKey(string backend)
    {
        var store = TestStores.Create(backend, azurite, _temp);
        Assert.Null(await store.TryGetAsync("nope/x.bin"));
        Assert.Null(await store.TryOpenReadAsync("nope/x.bin"));
        Assert.Null(await store.TryGetPropertiesAsync("nope/x.bin"));
        Assert.False(await store.DeleteAsync("nope/x.bin"));
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.GetAsync("nope/x.bin"));
        Assert.Contains("nope/x.bin", e.Message);
        Assert.Equal(404, e.Status);
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task BlobStore_ConditionalWrites_HonourCreateOnlyAndIfMatch(string backend)
    {
        var store = TestStores.Create(backend, azurite, _temp);
        Assert.True(await store.PutIfAbsentAsync("m.json", "one"u8.ToArray()));
        Assert.False(await store.PutIfAbsentAsync("m.json", "two"u8.ToArray()));
        var first = await store.GetAsync("m.json");
        Assert.Equal("one", Encoding.UTF8.GetString(first.Bytes.Span));

        var second = await store.TryPutAsync("m.json", "three"u8.ToArray(), BlobCondition.IfMatch(first.ETag));
        Assert.NotNull(second);
        // The first ETag is stale now: a writer holding it must lose.
        Assert.Null(await store.TryPutAsync("m.json", "four"u8.ToArray(), BlobCondition.IfMatch(first.ETag)));
        Assert.Equal("three", Encoding.UTF8.GetString((await store.GetAsync("m.json")).Bytes.Span));
        Assert.Null(await store.TryPutAsync("absent.json", "x"u8.ToArray(), BlobCondition.IfMatch(first.ETag)));
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task BlobStore_ListAndDelete_SeeOnlyThePrefix(string backend)
    {
        var store = TestStores.Create(backend, azurite, _temp);
        foreach (var k in new[] { "features/s1/manifest.json", "features/s1/shard-00000.bin", "features/s2/manifest.json", "artifacts/a.bin" })
            await store.PutAsync(k, Encoding.UTF8.GetBytes(k));
        var listed = new List<BlobEntry>();
        await foreach (var e in store.ListAsync("features/s1/")) listed.Add(e);
        Assert.Equal(["features/s1/manifest.json", "features/s1/shard-00000.bin"], listed.Select(e => e.Key).Order().ToArray());
        Assert.All(listed, e => Assert.Equal(e.Key.Length, e.Length));

        var all = new List<string>();
        await foreach (var e in store.ListAsync("")) all.Add(e.Key);
        Assert.Equal(4, all.Count);

        Assert.True(await store.DeleteAsync("features/s1/manifest.json"));
        Assert.Null(await store.TryGetAsync("features/s1/manifest.json"));
    }

    [Theory, InlineData("local"), InlineData("azure")]
    public async Task BlobStore_InvalidKey_IsRefusedNamingTheKey(string backend)
    {
        var store = TestStores.Create(backend, azurite, _temp);
        foreach (var key in new[] { "../escape", "a/../../b", "/abs", "a//b", "a/./b", "sp ace", "" })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new byte[1]));
            Assert.Contains($"'{key}'", e.Message);
        }
    }
}
