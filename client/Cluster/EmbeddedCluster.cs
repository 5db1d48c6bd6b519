using AftSweep.Grains.Options;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AftSweep.Client.Cluster;

/// <summary>
/// The embedded default behind `aftsweep run`: one silo in this process, localhost clustering on free loopback ports,
/// grain state and records in the SQLite database of a state folder (aftsweep.db), worker slots running the caller's
/// executor. Running again on the same folder resumes: finished trials are read back from their records and never re-run.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    /// <summary>The embedded default is the one place a single machine's power loss matters: every commit batch is fsynced.</summary>
    public const bool FlushToDisk = true;

    private readonly LocalCluster _cluster;

    private EmbeddedCluster(LocalCluster cluster) => _cluster = cluster;

    public SweepClient Sweeps => _cluster.Sweeps;

    public IClusterClient Grains => _cluster.Client;

    public static async Task<EmbeddedCluster> StartAsync(
        string stateFolder,
        ITrialExecutor? executor,
        WorkerSlotOptions? workers = null,
        SchedulingOptions? scheduling = null,
        Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateFolder);
        var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            StateFolder = stateFolder,
            FlushToDisk = FlushToDisk,
            Workers = workers ?? new WorkerSlotOptions(),
            Scheduling = scheduling ?? new SchedulingOptions(),
            ConfigureLogging = logging,
            ConfigureServices = (_, services) =>
            {
                // Null: configureServices registers the executor (aftsweep run adds the real engine there).
                if (executor is not null) services.AddSingleton(executor);
                configureServices?.Invoke(services);
            },
        }, cancellationToken);
        return new EmbeddedCluster(cluster);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
