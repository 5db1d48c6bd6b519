using AftSweep.Grains.Engine;
using AftSweep.Grains.Hosting;
using AftSweep.Grains.Options;
using AftSweep.Infra.Database;
using AftSweep.Infra.Orleans;
using Orleans.Runtime;

namespace AftSweep.Silo;

/// <summary>The silo host's wiring, so Program.cs stays short.</summary>
public static class SiloHostExtensions
{
    public const int DefaultHttpPort = 8080;

    /// <summary>Short command-line switches for the common settings (any setting also works as --Section:Key=value).</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--clustering"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.Clustering)}",
        ["--cluster-id"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.ClusterId)}",
        ["--address"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.Address)}",
        ["--silo-port"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.SiloPort)}",
        ["--gateway-port"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.GatewayPort)}",
        ["--primary-silo-port"] = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.PrimarySiloPort)}",
        ["--store"] = $"{StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)}",
        ["--state"] = $"{StateStoreOptions.Section}:{nameof(StateStoreOptions.Folder)}",
        ["--devices"] = $"{WorkerSlotOptions.Section}:{nameof(WorkerSlotOptions.Devices)}",
        ["--slots-per-device"] = $"{WorkerSlotOptions.Section}:{nameof(WorkerSlotOptions.SlotsPerDevice)}",
        ["--max-attempts"] = $"{SchedulingOptions.Section}:{nameof(SchedulingOptions.MaxAttempts)}",
        ["--trial-timeout"] = $"{SchedulingOptions.Section}:{nameof(SchedulingOptions.TrialTimeout)}",
        ["--feature-store"] = $"{EngineOptions.Section}:{nameof(EngineOptions.Store)}",
        ["--http-port"] = "Http:Port",
    };

    /// <summary>Configuration (appsettings, AFTSWEEP_-free env vars like Cluster__SiloPort, command line), Orleans silo, Kestrel on loopback.</summary>
    public static WebApplicationBuilder AddAftSweepSilo(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary(kv => kv.Key, kv => kv.Value));
        var settings = AftSweepSiloSettings.From(builder.Configuration);
        var httpPort = builder.Configuration.GetValue("Http:Port", DefaultHttpPort);
        builder.WebHost.UseUrls($"http://{FormatHost(settings.Cluster.Address)}:{httpPort}");
        builder.UseOrleans(silo => silo.AddAftSweep(settings));
        builder.Services.AddCommitFaultInjection(builder.Configuration);
        builder.Services.AddAftSweepMetricsExport();

        // The trial engine the worker slots run (the embedded host registers the same one).
        if (settings.Workers.DeviceList.Count > 0) builder.Services.AddAftSweepEngine(EngineSettings(builder.Configuration, settings));
        return builder;
    }

    /// <summary>The "Engine" section; the store falls back to AFTSWEEP_STORAGE, the CPU slot count to the worker settings.</summary>
    public static EngineOptions EngineSettings(IConfiguration configuration, AftSweepSiloSettings settings)
    {
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        if (configuration.GetSection(EngineOptions.Section)[nameof(EngineOptions.CpuSlots)] is null)
            engine.CpuSlots = settings.Workers.DeviceList.Contains("cpu") ? settings.Workers.SlotsPerDevice : 1;
        return engine;
    }

    public static WebApplication MapAftSweepEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", (ISiloStatusOracle oracle) => oracle.CurrentStatus == SiloStatus.Active
            ? Results.Ok("ok")
            : Results.Text($"silo is {oracle.CurrentStatus}", statusCode: StatusCodes.Status503ServiceUnavailable));

        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>
    /// Crash tests only: FaultInjection:KillAtCommit (BeforeCommit or AfterCommit) and FaultInjection:AfterRecordCommits
    /// (default 1) make this silo kill itself at that point of a trial's commit (see <see cref="KillProcessAtCommit"/>).
    /// </summary>
    private static IServiceCollection AddCommitFaultInjection(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(KillProcessAtCommit.Section);
        if (section["KillAtCommit"] is not { Length: > 0 } point) return services;
        if (!Enum.TryParse<CommitPoint>(point, ignoreCase: true, out var at) || !Enum.IsDefined(at))
            throw new ArgumentException($"{KillProcessAtCommit.Section}:KillAtCommit: '{point}' is not BeforeCommit or AfterCommit");
        var nth = section.GetValue("AfterRecordCommits", 1);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new CommitFaultsInstaller(sp.GetRequiredService<StateDatabaseLease>(), new KillProcessAtCommit(at, nth)));
        return services;
    }

    private sealed class CommitFaultsInstaller(StateDatabaseLease database, ICommitFaults faults) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(CommitFaultsInstaller), ServiceLifecycleStage.First, _ =>
        {
            database.Database.Writer.Faults = faults;
            return Task.CompletedTask;
        });
    }

    private static string FormatHost(string address) => address.Contains(':') ? $"[{address}]" : address;
}
