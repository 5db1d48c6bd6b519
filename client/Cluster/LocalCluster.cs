using AftSweep.Grains.Hosting;
using AftSweep.Infra.Orleans;
using AftSweep.Workers.Engine;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AftSweep.Client.Cluster;

/// <summary>
/// K silos in this process with localhost clustering (silo 0 is the primary), grain state and records in the SQLite
/// database of one state folder (shared by the silos). Used by `aftsweep run` (one silo), `bench scheduler`, and the
/// cluster tests, which also kill silos. <see cref="LocalClusterOptions.ConfigureSettings"/> moves clustering or state
/// elsewhere (PostgreSQL, Azure).
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly IHost?[] _silos;
    private readonly LocalClusterOptions _options;

    private LocalCluster(LocalClusterOptions options, int siloCount)
    {
        _options = options;
        _silos = new IHost?[siloCount];
        ClusterId = $"aftsweep-local-{Guid.NewGuid():N}";
        var ports = FreePorts.Take(siloCount * 2);
        SiloPorts = ports.Take(siloCount).ToArray();
        GatewayPorts = ports.Skip(siloCount).ToArray();
    }

    public string ClusterId { get; }
    public IReadOnlyList<int> SiloPorts { get; }
    public IReadOnlyList<int> GatewayPorts { get; }
    public int Count => _silos.Length;

    /// <summary>A grain factory of a live silo (the first one alive).</summary>
    public IClusterClient Client => Services(Enumerable.Range(0, _silos.Length).First(i => _silos[i] is not null)).GetRequiredService<IClusterClient>();

    public SweepClient Sweeps => new(Client);

    public bool IsAlive(int silo) => _silos[silo] is not null;

    public IServiceProvider Services(int silo) => (_silos[silo] ?? throw new InvalidOperationException($"silo {silo} is not running")).Services;

    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Silos < 1) throw new ArgumentException($"{nameof(options.Silos)}: at least one silo, got {options.Silos}");
        var cluster = new LocalCluster(options, options.Silos);
        try
        {
            await cluster.StartSiloAsync(0, cancellationToken);
            await Task.WhenAll(Enumerable.Range(1, options.Silos - 1).Select(i => cluster.StartSiloAsync(i, cancellationToken)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Ends a silo the way a crash does: no graceful shutdown, leases abandoned, membership not told.</summary>
    public async Task KillSiloAsync(int silo)
    {
        var host = _silos[silo] ?? throw new InvalidOperationException($"silo {silo} is not running");
        _silos[silo] = null;
        try
        {
            await host.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
        }
        host.Dispose();
    }

    public async Task StopSiloAsync(int silo)
    {
        var host = _silos[silo];
        if (host is null) return;
        _silos[silo] = null;
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            host.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Secondaries first: the primary holds the membership the others report to.
        for (var i = _silos.Length - 1; i >= 0; i--) await StopSiloAsync(i);
    }

    private async Task StartSiloAsync(int index, CancellationToken cancellationToken)
    {
        var settings = new AftSweepSiloSettings
        {
            Cluster = new ClusterConnectionOptions
            {
                Clustering = ClusteringMode.Localhost,
                ClusterId = ClusterId,
                ServiceId = "aftsweep",
                SiloPort = SiloPorts[index],
                GatewayPort = GatewayPorts[index],
                PrimarySiloPort = SiloPorts[0],
            },
            State = new StateStoreOptions { Store = StoreMode.Local, Folder = _options.StateFolder, FlushToDisk = _options.FlushToDisk },
            Scheduling = _options.Scheduling,
            Workers = _options.Workers,
            FastFailureDetection = _options.FastFailureDetection,
        };
        _options.ConfigureSettings?.Invoke(index, settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        _options.ConfigureLogging?.Invoke(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = $"silo{index}");
            silo.AddAftSweep(settings).AddAftSweepWorkerSlots();
        });
        _options.ConfigureServices?.Invoke(index, builder.Services);
        // Unless the host registered an engine with its own store: a store in the state folder, so `submit` can stage files.
        builder.Services.AddAftSweepStore(Infra.Storage.StoreLocation.Local(Path.Combine(_options.StateFolder, "store")),
            new EngineOptions { StagedCache = Path.Combine(_options.StateFolder, "staged", $"silo{index}") });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        _silos[index] = host;
    }

    /// <summary>Starts a silo again in a slot left empty by <see cref="KillSiloAsync"/> or <see cref="StopSiloAsync"/>.</summary>
    public Task RestartSiloAsync(int silo, CancellationToken cancellationToken = default) =>
        _silos[silo] is not null ? throw new InvalidOperationException($"silo {silo} is running") : StartSiloAsync(silo, cancellationToken);
}
