using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Staging;
using AftSweep.Contracts.Storage;
using AftSweep.Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace AftSweep.Grains.Staging;

/// <summary>
/// Writes staged files into this silo's store (the feature store, <see cref="SiloBlobStore"/>).
/// Stateless: the blobs are the state. Only keys under <see cref="StagedBlobs.Prefix"/> are accepted, so a client can
/// never overwrite features, artifacts or records through it.
/// </summary>
[StatelessWorker]
public sealed class StagingGrain(IServiceProvider services) : Grain, IStagingGrain
{
    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> keys)
    {
        var store = Store();
        var missing = new List<string>();
        foreach (var key in keys)
        {
            if (await store.TryGetPropertiesAsync(Check(key)) is null) missing.Add(key);
        }
        return missing;
    }

    public async Task PutAsync(string key, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > StagedBlobs.PartSize) throw new ArgumentException($"staged blob {key}: {content.Length} bytes, more than a part ({StagedBlobs.PartSize})");
        await Store().PutAsync(Check(key), content);
    }

    private IBlobStore Store() =>
        services.GetService<SiloBlobStore>()?.Blobs
        ?? throw new InvalidOperationException("this silo has no store to stage files into: start it with --store (a folder or azure:...) or AFTSWEEP_STORAGE");

    private static string Check(string key)
    {
        BlobKey.Validate(key);
        return key.StartsWith(StagedBlobs.Prefix, StringComparison.Ordinal)
            ? key
            : throw new ArgumentException($"staged blob key '{key}' is not under {StagedBlobs.Prefix}");
    }
}
