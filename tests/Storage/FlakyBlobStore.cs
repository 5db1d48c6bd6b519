using AftSweep.Contracts.Storage;
using Azure;

namespace AftSweep.Tests.Storage;

/// <summary>
/// Test-only delegating store that fails the first <see cref="FailuresLeft"/> calls with an Azure-style
/// <see cref="RequestFailedException"/> of <see cref="Status"/> (503 by default), then passes calls through.
/// </summary>
public sealed class FlakyBlobStore(IBlobStore inner) : IBlobStore
{
    private int _failuresLeft;
    private int _calls;

    public int FailuresLeft { get => Volatile.Read(ref _failuresLeft); set => Volatile.Write(ref _failuresLeft, value); }
    public int Status { get; set; } = 503;
    public int Calls => Volatile.Read(ref _calls);
    public string Description => inner.Description;

    public Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default) => Run(() => inner.TryGetAsync(key, cancellationToken));
    public Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default) => Run(() => inner.TryOpenReadAsync(key, cancellationToken));
    public Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default) => Run(() => inner.TryGetPropertiesAsync(key, cancellationToken));
    public Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default) =>
        Run(() => inner.TryPutAsync(key, content, condition, cancellationToken));
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Run(() => inner.DeleteAsync(key, cancellationToken));
    public IAsyncEnumerable<BlobEntry> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Fail();
        return inner.ListAsync(prefix, cancellationToken);
    }

    private Task<T> Run<T>(Func<Task<T>> call)
    {
        Fail();
        return call();
    }

    private void Fail()
    {
        Interlocked.Increment(ref _calls);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new RequestFailedException(Status, $"injected {Status}", Status == 503 ? "ServerBusy" : "InjectedFailure", null);
        Interlocked.Exchange(ref _failuresLeft, 0);
    }
}
