using System.Runtime.CompilerServices;
using AftSweep.Contracts.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace AftSweep.Infra.Storage;

/// <summary>
/// Runs every call of an inner store through a <see cref="BlobStoreResilience"/> pipeline. Failures that
/// outlast the retries, or that are not transient, surface as one <see cref="BlobStoreException"/> naming the
/// store, the operation, the key and the attempts made; no secret reaches the message.
/// </summary>
public sealed class ResilientBlobStore : IBlobStore
{
    private readonly IBlobStore _inner;
    private readonly ResiliencePipeline _pipeline;
    private readonly BlobStoreOptions _options;
    private readonly ILogger _logger;

    public ResilientBlobStore(IBlobStore inner, BlobStoreOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _inner = inner;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = BlobStoreResilience.CreatePipeline(options, inner.Description, _logger, timeProvider);
    }

    public IBlobStore Inner => _inner;
    public string Description => _inner.Description;

    public Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("get", key, ct => _inner.TryGetAsync(key, ct), cancellationToken);

    public Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("open", key, ct => _inner.TryOpenReadAsync(key, ct), cancellationToken);

    public Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("stat", key, ct => _inner.TryGetPropertiesAsync(key, ct), cancellationToken);

    public Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default) =>
        RunAsync("put", key, ct => _inner.TryPutAsync(key, content, condition, ct), cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("delete", key, ct => _inner.DeleteAsync(key, ct), cancellationToken);

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A listing is retried as a whole, so it is materialised before anything is yielded.
        var entries = await RunAsync("list", prefix, async ct =>
        {
            var list = new List<BlobEntry>();
            await foreach (var e in _inner.ListAsync(prefix, ct).ConfigureAwait(false)) list.Add(e);
            return list;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var e in entries) yield return e;
    }

    private async Task<T> RunAsync<T>(string operation, string key, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var attempts = 0;
        // The operation key reaches the pipeline's OnRetry, which counts retries by operation (a bounded label).
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(async (ctx, _) =>
            {
                Interlocked.Increment(ref attempts);
                return await action(ctx.CancellationToken).ConfigureAwait(false);
            }, context, 0).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ArgumentException)
        {
            throw; // a bad key is the caller's bug, reported as is
        }
        catch (BlobStoreException e) when (!e.IsTransient)
        {
            throw;
        }
        catch (Exception e)
        {
            var transient = TransientFailures.IsTransient(e);
            var reason = e is TimeoutRejectedException
                ? $"timed out (attempt timeout {_options.AttemptTimeout.TotalSeconds:0.###} s, total {_options.TotalTimeout.TotalSeconds:0.###} s)"
                : SecretRedactor.Redact(e.Message);
            var what = transient ? $"failed after {attempts} attempt{(attempts == 1 ? "" : "s")}" : "failed";
            BlobStoreLog.Failed(_logger, Description, operation, key, reason);
            var status = e switch { BlobStoreException b => b.Status, Azure.RequestFailedException r => r.Status, _ => 0 };
            throw new BlobStoreException(Description, key, operation,
                $"blob store {Description}: {operation} '{key}' {what}: {reason}", status, isTransient: false,
                innerException: e is BlobStoreException ? e : null);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
