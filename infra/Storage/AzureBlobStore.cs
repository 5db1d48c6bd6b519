using System.Net.Sockets;
using System.Runtime.CompilerServices;
using AftSweep.Contracts.Storage;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AftSweep.Infra.Storage;

/// <summary>
/// Azure Blob Storage (or Azurite): one container, one block blob per key. Conditional writes use the service's
/// ETags (If-None-Match: * to create, If-Match to update), so they hold across silos. The SDK's own retries are
/// off: <see cref="ResilientBlobStore"/> owns retrying. Failures become <see cref="BlobStoreException"/> with the
/// HTTP status and a message built from status and error code only, never from the connection string.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly object _createLock = new();
    private Task? _created;

    private AzureBlobStore(BlobContainerClient container)
    {
        _container = container;
        Description = $"azure:{container.AccountName}@{container.Uri.Authority}/{container.Name}";
    }

    public string Description { get; }

    /// <summary>
    /// A store over <paramref name="connectionString"/>. A malformed connection string is reported without
    /// echoing it (it carries the account key).
    /// </summary>
    public static AzureBlobStore Create(string connectionString, BlobStoreOptions options)
    {
        BlobStoreOptionsValidator.ThrowIfInvalid(options);
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.AttemptTimeout;
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString, clientOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new ArgumentException(
                "the Azure storage connection string is malformed: expected 'UseDevelopmentStorage=true' or " +
                "'DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...;BlobEndpoint=...' (the value is not shown because it holds a secret)");
        }
        return new AzureBlobStore(service.GetBlobContainerClient(options.Container));
    }

    public async Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new BlobContent(result.Value.Content.ToMemory(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (IsServiceFailure(e))
        {
            throw Map(e, "get", key);
        }
    }

    public async Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var result = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new BlobReadStream(result.Value.Content, result.Value.Details.ContentLength, result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (IsServiceFailure(e))
        {
            throw Map(e, "open", key);
        }
    }

    public async Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            var p = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BlobEntry(key, p.ContentLength, p.ETag.ToString(), p.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (IsServiceFailure(e))
        {
            throw Map(e, "stat", key);
        }
    }

    public async Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        var conditions = condition.Kind switch
        {
            BlobConditionKind.IfAbsent => new BlobRequestConditions { IfNoneMatch = ETag.All },
            BlobConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
            _ => null,
        };
        try
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            var options = new BlobUploadOptions
            {
                Conditions = conditions,
                // One Put Blob request up to 256 MiB: the blob appears whole or not at all.
                TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = 256L << 20, MaximumTransferSize = 256L << 20 },
            };
            var result = await blob.UploadAsync(new BinaryData(content), options, cancellationToken).ConfigureAwait(false);
            return result.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (conditions is not null && (e.Status == 412 || (e.Status == 409 && e.ErrorCode == BlobErrorCode.BlobAlreadyExists)))
        {
            return null;
        }
        catch (RequestFailedException e) when (condition.Kind == BlobConditionKind.IfMatch && e.Status == 404)
        {
            return null; // if-match on a blob that is gone: the condition failed
        }
        catch (Exception e) when (IsServiceFailure(e))
        {
            throw Map(e, "put", key);
        }
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken)
            .AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                Page<BlobItem> page;
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false)) yield break;
                    page = pages.Current;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    yield break; // no container yet: nothing stored
                }
                catch (Exception e) when (IsServiceFailure(e))
                {
                    throw Map(e, "list", prefix);
                }
                foreach (var item in page.Values)
                    yield return new BlobEntry(item.Name, item.Properties.ContentLength ?? 0,
                        item.Properties.ETag?.ToString() ?? "", item.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = Blob(key);
        try
        {
            return (await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
        catch (Exception e) when (IsServiceFailure(e))
        {
            throw Map(e, "delete", key);
        }
    }

    private BlobClient Blob(string key) => _container.GetBlobClient(BlobKey.Validate(key));

    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        lock (_createLock)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
                _created = _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return _created;
        }
    }

    private static bool IsServiceFailure(Exception e) =>
        e is RequestFailedException or HttpRequestException or SocketException or IOException or AggregateException;

    private BlobStoreException Map(Exception e, string operation, string key)
    {
        var (status, detail) = e switch
        {
            RequestFailedException r when r.Status == 0 => (0, NetworkDetail(r)),
            RequestFailedException r => (r.Status, $"HTTP {r.Status}{(string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode)}"),
            _ => (0, NetworkDetail(e)),
        };
        return new BlobStoreException(Description, key, operation, $"blob store {Description}: {operation} '{key}': {detail}",
            status, TransientFailures.IsTransientStatus(status));
    }

    private static string NetworkDetail(Exception e)
    {
        // The innermost message is the useful one ("Connection refused (127.0.0.1:1)"); redact in case it quotes a URL.
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return "network error: " + SecretRedactor.Redact(inner.Message);
    }
}
