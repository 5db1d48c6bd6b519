using System.Diagnostics.Metrics;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Observability;

/// <summary>
/// An <see cref="InProcessSilo"/> (the silo host's own wiring: Orleans, Kestrel on
/// loopback, /healthz, /metrics) in this process, with the real trial executor behind its worker slots: dataset loader,
/// feature store on a local folder (Polly-wrapped) with a local feature cache in front, teacher factory. The silo
/// process of this branch registers no executor yet, so this is the silo that trains.
/// </summary>
public sealed class WorkerSilo : IAsyncDisposable
{
    private readonly InProcessSilo _silo;

    private WorkerSilo(InProcessSilo silo, int httpPort)
    {
        _silo = silo;
        HttpPort = httpPort;
    }

    public int HttpPort { get; }

    public SweepClient Sweeps => new(_silo.Services.GetRequiredService<IClusterClient>());

    /// <summary>
    /// Extracts the test split's features into the silo's blob store beforehand (as another silo would have), so the
    /// silo reads them from the blob store (a cache miss, blob bytes), caches them, and later trials hit the cache;
    /// the train split it extracts itself. The store is disposed (its meter with it) before any exporter starts.
    /// </summary>
    public static async Task PreExtractTestSplitAsync(TrialSpec spec, string workDirectory)
    {
        var dataset = new DatasetLoader(new DatasetLoaderOptions { DecodeThreads = 1 }).Load(spec.Dataset, spec.SplitSeed);
        using var store = new FeatureStore(new LocalFolderBlobStore(Path.Combine(workDirectory, "features")), new TeacherFactory(),
            new FeatureStoreOptions { BaseDirectory = workDirectory });
        await store.GetAsync(spec.Combo[0], dataset, SplitName.Test, CancellationToken.None);
    }

    public static async Task<WorkerSilo> StartAsync(IReadOnlyList<string> arguments, int httpPort, string workDirectory)
    {
        var silo = await InProcessSilo.StartAsync(workDirectory, arguments.ToArray(), services =>
        {
            services.AddSingleton<IDatasetLoader>(new DatasetLoader(new DatasetLoaderOptions { DecodeThreads = 1 }));
            services.AddSingleton<IFeatureSource>(sp => new FeatureStore(
                new ResilientBlobStore(new LocalFolderBlobStore(Path.Combine(workDirectory, "features")), new BlobStoreOptions()),
                new TeacherFactory(),
                new FeatureStoreOptions { BaseDirectory = workDirectory },
                new LocalFeatureCache(Path.Combine(workDirectory, "feature-cache")),
                meterFactory: sp.GetRequiredService<IMeterFactory>()));
            services.AddTrialExecutor();
        });
        return new WorkerSilo(silo, httpPort);
    }

    public ValueTask DisposeAsync() => _silo.DisposeAsync();
}
