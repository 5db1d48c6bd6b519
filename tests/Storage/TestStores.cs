using AftSweep.Contracts.Storage;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Storage;

/// <summary>Blob stores for tests: "local" (a temp folder) or "azure" (a fresh container in the shared Azurite).</summary>
public static class TestStores
{
    /// <summary>Short retries so failure paths stay fast.</summary>
    public static BlobStoreOptions FastOptions(string? container = null) => new()
    {
        Container = container ?? UniqueContainer(),
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
    };

    public static string UniqueContainer() => "t" + Guid.NewGuid().ToString("N")[..20];

    public static IBlobStore Create(string backend, AzuriteFixture azurite, TempDirectory temp, BlobStoreOptions? options = null)
    {
        options ??= FastOptions();
        IBlobStore inner = backend switch
        {
            "local" => new LocalFolderBlobStore(temp.Sub("store-" + options.Container)),
            "azure" => AzureBlobStore.Create(azurite.ConnectionString, options),
            _ => throw new ArgumentException(backend),
        };
        return new ResilientBlobStore(inner, options);
    }

    /// <summary>Flips one bit of a stored blob: on disk for the local store, through the API for Azure.</summary>
    public static async Task FlipByteAsync(IBlobStore store, string key, int offset)
    {
        if (store is ResilientBlobStore { Inner: LocalFolderBlobStore local })
        {
            FlipFileByte(local.PathOf(key), offset);
            return;
        }
        var blob = await store.GetAsync(key);
        var bytes = blob.Bytes.ToArray();
        bytes[offset] ^= 0x10;
        await store.PutAsync(key, bytes);
    }

    public static void FlipFileByte(string path, int offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        var b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x10));
    }
}
