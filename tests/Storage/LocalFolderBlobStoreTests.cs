using AftSweep.Contracts.Storage;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Storage;

public sealed class LocalFolderBlobStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task LocalFolderBlobStore_Writes_LeaveNoTempFilesAndReplaceWhole()
    {
        var store = new LocalFolderBlobStore(_temp.Path);
        await store.PutAsync("a/b.bin", new byte[1000]);
        await store.PutAsync("a/b.bin", new byte[10]);
        Assert.Equal(10, new FileInfo(Path.Combine(_temp.Path, "a", "b.bin")).Length);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*" + LocalFolderBlobStore.TempSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task LocalFolderBlobStore_StrayTempFile_IsNotListed()
    {
        var store = new LocalFolderBlobStore(_temp.Path);
        await store.PutAsync("a/b.bin", new byte[3]);
        File.WriteAllBytes(Path.Combine(_temp.Path, "a", "b.bin.123" + LocalFolderBlobStore.TempSuffix), new byte[5]);
        var keys = new List<string>();
        await foreach (var e in store.ListAsync("a/")) keys.Add(e.Key);
        Assert.Equal(["a/b.bin"], keys);
    }

    [Fact]
    public void LocalFolderBlobStore_KeyOutsideRoot_IsRefused()
    {
        var store = new LocalFolderBlobStore(_temp.Path);
        Assert.Throws<ArgumentException>(() => store.PathOf("../../etc/passwd"));
        Assert.StartsWith(_temp.Path, store.PathOf("features/k/manifest.json"));
    }

    [Fact]
    public void BlobKey_Sanitize_MakesAnyNameASafeSegment()
    {
        Assert.Equal("onnx-file__tmp_m.onnx", BlobKey.Sanitize("onnx-file:/tmp/m.onnx"));
        Assert.Equal("_", BlobKey.Sanitize(".."));
        Assert.True(BlobKey.IsValid(BlobKey.Sanitize("a/../b c"), out _));
    }
}
