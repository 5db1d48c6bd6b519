using AftSweep.Contracts.Storage;
using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Storage;

/// <summary>Builds the configured backend wrapped in its resilience pipeline.</summary>
public static class BlobStoreFactory
{
    public static IBlobStore Create(StoreLocation location, BlobStoreOptions? options = null, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        options ??= new BlobStoreOptions();
        IBlobStore backend = location.Backend switch
        {
            StoreBackend.Local => new LocalFolderBlobStore(location.Directory!),
            StoreBackend.Azure => AzureBlobStore.Create(location.ConnectionString!, options),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Backend, "unknown store backend"),
        };
        return new ResilientBlobStore(backend, options, loggerFactory?.CreateLogger("AftSweep.Storage"), timeProvider);
    }
}
