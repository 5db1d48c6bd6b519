using AftSweep.Contracts.Storage;
using AftSweep.Infra.Storage;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands.Features;

/// <summary>Builds the blob store, local cache and feature store from <see cref="StoreSettings"/> and the environment.</summary>
public static class FeatureStoreOpener
{
    public const string CacheEnvironmentVariable = "AFTSWEEP_FEATURE_CACHE";
    public const double DefaultCacheSizeGb = 10;

    public static (IBlobStore Blobs, StoreLocation Location) OpenBlobs(StoreSettings settings, FeatureCommandServices services)
    {
        var location = StoreLocation.Resolve(settings.Store, services.Environment);
        return (BlobStoreFactory.Create(location, new BlobStoreOptions()), location);
    }

    /// <summary>The local cache: only in front of a remote store (a local folder store is already on this disk).</summary>
    public static LocalFeatureCache? OpenCache(StoreSettings settings, StoreLocation location, FeatureCommandServices services)
    {
        if (location.Backend == StoreBackend.Local) return null;
        var sizeGb = settings.CacheSizeGb ?? DefaultCacheSizeGb;
        if (sizeGb is <= 0 or > 1 << 20) throw new ArgumentException($"--cache-size-gb: {sizeGb} is out of range (a positive number of GB)");
        var dir = settings.Cache ?? services.Environment(CacheEnvironmentVariable) ?? DefaultCacheDirectory(services);
        return new LocalFeatureCache(dir, (long)(sizeGb * (1L << 30)));
    }

    public static FeatureStore OpenStore(StoreSettings settings, FeatureCommandServices services, ITeacherFactory teachers, string baseDirectory)
    {
        var (blobs, location) = OpenBlobs(settings, services);
        return new FeatureStore(blobs, teachers, new FeatureStoreOptions { BaseDirectory = baseDirectory }, OpenCache(settings, location, services));
    }

    private static string DefaultCacheDirectory(FeatureCommandServices services)
    {
        var xdg = services.Environment("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "aftsweep", "features");
    }
}
