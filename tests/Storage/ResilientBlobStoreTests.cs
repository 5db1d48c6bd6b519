using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AftSweep.Contracts.Storage;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Storage;

public sealed class ResilientBlobStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ResilientBlobStore_Transient503s_AreRetriedUntilSuccess()
    {
        var flaky = new FlakyBlobStore(new LocalFolderBlobStore(_temp.Path));
        var store = new ResilientBlobStore(flaky, TestStores.FastOptions());
        flaky.FailuresLeft = 2;
        await store.PutAsync("k/v.bin", new byte[] { 1, 2, 3 });
        Assert.Equal(3, flaky.Calls);
        flaky.FailuresLeft = 3; // = MaxRetryAttempts: the fourth attempt succeeds
        var read = await store.GetAsync("k/v.bin");
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Bytes.ToArray());
        Assert.Equal(3 + 4, flaky.Calls);
    }

    [Fact]
    public async Task ResilientBlobStore_FailuresOutlastingRetries_FailCleanlyWithAttemptCount()
    {
        var flaky = new FlakyBlobStore(new LocalFolderBlobStore(_temp.Path)) { FailuresLeft = 100 };
        var store = new ResilientBlobStore(flaky, TestStores.FastOptions());
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.TryGetAsync("k/v.bin"));
        Assert.Equal(4, flaky.Calls);
        Assert.Contains("failed after 4 attempts", e.Message);
        Assert.Contains("'k/v.bin'", e.Message);
        Assert.Equal(503, e.Status);
    }

    [Theory, InlineData(403), InlineData(400), InlineData(501)]
    public async Task ResilientBlobStore_NonTransientStatus_IsNotRetried(int status)
    {
        var flaky = new FlakyBlobStore(new LocalFolderBlobStore(_temp.Path)) { FailuresLeft = 1, Status = status };
        var store = new ResilientBlobStore(flaky, TestStores.FastOptions());
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.TryGetAsync("k/v.bin"));
        Assert.Equal(1, flaky.Calls);
        Assert.Equal(status, e.Status);
    }

    [Theory, InlineData(408), InlineData(429), InlineData(500), InlineData(502), InlineData(503), InlineData(504)]
    public void TransientFailures_RetryableStatuses_AreTransient(int status) => Assert.True(TransientFailures.IsTransientStatus(status));

    [Fact]
    public async Task AzureBlobStore_UnreachableEndpoint_FailsAfterRetriesWithoutLeakingTheKey()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        var conn = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var options = TestStores.FastOptions();
        options.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.TotalTimeout = TimeSpan.FromSeconds(10);
        var store = BlobStoreFactory.Create(StoreLocation.Resolve("azure:" + conn), options);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.TryGetAsync("features/x/manifest.json"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("failed after 4 attempts", e.Message);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("features/x/manifest.json", e.Message);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, e.ToString());
        Assert.DoesNotContain("AccountKey", e.ToString());
    }

    [Fact]
    public async Task ResilientBlobStore_AttemptTimeout_IsRetriedThenReportedAsTimeout()
    {
        var slow = new FlakyBlobStore(new LocalFolderBlobStore(_temp.Path));
        var options = TestStores.FastOptions();
        options.MaxRetryAttempts = 1;
        options.AttemptTimeout = TimeSpan.FromMilliseconds(100);
        options.TotalTimeout = TimeSpan.FromSeconds(5);
        var store = new ResilientBlobStore(new HangingBlobStore(slow), options);
        var e = await Assert.ThrowsAsync<BlobStoreException>(() => store.TryGetAsync("k/v.bin"));
        Assert.Contains("timed out", e.Message);
        Assert.Contains("after 2 attempts", e.Message);
    }

    [Fact]
    public async Task ResilientBlobStore_CallerCancellation_IsNotRetriedOrWrapped()
    {
        var store = new ResilientBlobStore(new HangingBlobStore(new LocalFolderBlobStore(_temp.Path)), TestStores.FastOptions());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryGetAsync("k/v.bin", cts.Token));
    }

    /// <summary>Reads hang until cancelled (an endpoint that accepts and never answers).</summary>
    private sealed class HangingBlobStore(IBlobStore inner) : IBlobStore
    {
        public string Description => inner.Description;
        public async Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
        public Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.TryOpenReadAsync(key, cancellationToken);
        public Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default) => inner.TryGetPropertiesAsync(key, cancellationToken);
        public Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default) =>
            inner.TryPutAsync(key, content, condition, cancellationToken);
        public IAsyncEnumerable<BlobEntry> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
    }
}
