using AftSweep.Grains.Sweeps;
using AftSweep.Infra.Metrics;
using AftSweep.Infra.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Runtime;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace AftSweep.Grains.Hosting;

public static class AftSweepSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo an AftSweep silo: clustering, grain state, record store and grains (coordination only). The
    /// worker slots that run trials and the engine behind them are the host's to add (AftSweep.Workers:
    /// AddAftSweepWorkerSlots, AddAftSweepEngine), so grains compile without the science.
    /// </summary>
    public static ISiloBuilder AddAftSweep(this ISiloBuilder builder, AftSweepSiloSettings settings)
    {
        settings.Validate();
        builder.UseAftSweepClustering(settings.Cluster);
        builder.AddAftSweepGrainStorage(StorageNames.State, settings.State, settings.Cluster);
        if (settings.FastFailureDetection)
        {
            builder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
        }

        if (settings.State.Store == StoreMode.Local) EnsureThreadsForSqlite();

        var services = builder.Services;
        services.AddAftSweepRecordStore(settings.State, settings.Cluster);
        services.AddSingleton(MsOptions.Create(settings.Scheduling));
        services.AddSingleton(MsOptions.Create(settings.Workers));
        services.TryAddSingleton(TimeProvider.System);
        // The AftSweep meter (one per silo); the host's OpenTelemetry exporter, if any, publishes it at /metrics.
        services.AddMetrics();
        services.TryAddSingleton<AftSweepMetrics>();
        return builder;
    }

    /// <summary>
    /// SQLite's calls are synchronous (its async API completes inline): a read blocks its thread for the read, the
    /// group-commit writer for the commit. With the pool's default minimum (one thread per core) that starves grain turns
    /// until hill climbing adds threads. Start with enough threads for reads, commits and grain turns to overlap.
    /// </summary>
    private static void EnsureThreadsForSqlite()
    {
        const int MinimumWorkers = 16;
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < MinimumWorkers) ThreadPool.SetMinThreads(MinimumWorkers, io);
    }
}
