using AftSweep.Grains.Features;
using AftSweep.Grains.Staging;
using AftSweep.Infra.Storage;
using AftSweep.Transfer.Artifacts;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Training;
using AftSweep.Workers.Slots;
using AftSweep.Workers.Staging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AftSweep.Workers.Engine;

public static class AftSweepEngineServiceCollectionExtensions
{
    /// <summary>
    /// The trial engine the worker slots run, the same for the embedded host and the silo host: the real
    /// <see cref="TrialExecutor"/> over a <see cref="CachingDatasetLoader"/>, the <see cref="FeatureStore"/> as the
    /// feature source (teachers from <see cref="TeacherFactory"/>), and a <see cref="BlobArtifactCache"/> in the same
    /// store for ft's paraphrasers. libtorch threads are split between the CPU slots.
    /// </summary>
    public static IServiceCollection AddAftSweepEngine(this IServiceCollection services, EngineOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Resolved now, so a bad store setting fails the host's start with a message naming it, not the first trial.
        var location = StoreLocation.Resolve(options.Store, environment);

        services.AddSingleton(options);
        services.AddAftSweepStore(location, options);
        // Staged datasets (`submit`) are fetched into the local cache before the loader reads them.
        services.AddSingleton<IDatasetLoader>(sp =>
            new CachingDatasetLoader(new StagedDatasetLoader(new DatasetLoader(), sp.GetRequiredService<StagedInputs>()), options.DatasetCacheEntries));
        services.AddSingleton<ITeacherFactory>(sp => new TeacherFactory(new TeacherOptions
        {
            Device = options.TeacherDevice,
            Logger = sp.GetService<ILoggerFactory>()?.CreateLogger<TeacherFactory>(),
        }));
        services.AddSingleton(sp =>
        {
            var cache = location.Backend == StoreBackend.Local || options.CacheFolder is null
                ? null
                : new LocalFeatureCache(options.CacheFolder, (long)(options.CacheSizeGb * (1L << 30)));
            return new FeatureStore(sp.GetRequiredService<SiloBlobStore>().Blobs, sp.GetRequiredService<ITeacherFactory>(),
                new FeatureStoreOptions(), cache, sp.GetService<ILogger<FeatureStore>>());
        });
        services.AddSingleton<IFeatureSource>(sp => sp.GetRequiredService<FeatureStore>());
        // Slots report the sets this silo's cache holds, so the dispatcher places trials where their features are.
        services.AddSingleton<Slots.IFeatureCacheProbe>(sp => new FeatureStoreCacheProbe(sp.GetRequiredService<FeatureStore>()));
        services.AddSingleton<IArtifactCache>(sp =>
            new BlobArtifactCache(sp.GetRequiredService<SiloBlobStore>().Blobs, sp.GetService<ILogger<BlobArtifactCache>>()));
        // Sweeps ask for their teachers' features first; slots extract them as work items (single flight, any silo).
        services.AddSingleton<IFeatureExtractionRunner>(sp =>
            new FeatureStoreExtractionRunner(sp.GetRequiredService<FeatureStore>(), sp.GetRequiredService<IDatasetLoader>()));
        services.AddTrialExecutor(o => o.TorchThreads = options.ResolveTorchThreads());
        // A staged checkpoint (downstream.init and its side files) is fetched before the trial opens it.
        services.Replace(ServiceDescriptor.Singleton<ITrialExecutor>(sp =>
            new StagedInputsExecutor(ActivatorUtilities.CreateInstance<TrialExecutor>(sp), sp.GetRequiredService<StagedInputs>())));
        return services;
    }

    /// <summary>
    /// The store alone (features, artifacts, staged files) and the staged-file cache: what every silo registers, also a
    /// silo without worker slots, which still serves <see cref="StagingGrain"/> for `submit`.
    /// </summary>
    public static IServiceCollection AddAftSweepStore(this IServiceCollection services, StoreLocation location, EngineOptions options)
    {
        services.TryAddSingleton(sp => new SiloBlobStore(BlobStoreFactory.Create(location, new BlobStoreOptions(), sp.GetService<ILoggerFactory>())));
        services.TryAddSingleton(sp => new StagedInputs(sp.GetRequiredService<SiloBlobStore>().Blobs,
            options.StagedCache ?? StagedInputs.DefaultCacheFolder(), sp.GetService<ILogger<StagedInputs>>()));
        return services;
    }
}
