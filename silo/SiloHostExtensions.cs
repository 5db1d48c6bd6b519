using AftSweep.Grains.Hosting;
using AftSweep.Grains.Options;
using AftSweep.Infra.Database;
using AftSweep.Infra.Orleans;
using AftSweep.Silo.Configuration;
using AftSweep.Workers.Engine;
using AftSweep.Workers.Slots;
using Orleans.Runtime;

namespace AftSweep.Silo;

/// <summary>The silo host's wiring, so Program.cs stays short.</summary>
public static class SiloHostExtensions
{
    public const int DefaultHttpPort = SiloHostSettings.DefaultHttpPort;

    /// <summary>
    /// Configuration (appsettings, env vars like Cluster__SiloPort, the command line with <see cref="SiloSwitches"/>),
    /// checked key by key before binding (<see cref="SiloConfigurationCheck"/>); Orleans silo; Kestrel on loopback.
    /// </summary>
    /// <exception cref="SiloConfigurationException">A setting the silo does not bind, or a value of the wrong type.</exception>
    public static WebApplicationBuilder AddAftSweepSilo(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, SiloCommandLine.SwitchMappings());
        SiloConfigurationCheck.Check(builder.Configuration);
        var settings = AftSweepSiloSettings.From(builder.Configuration);
        var httpPort = builder.Configuration.GetValue(SiloHostSettings.HttpPortKey, DefaultHttpPort);
        var joinTimeout = builder.Configuration.GetValue(SiloHostSettings.JoinTimeoutKey, SiloHostSettings.DefaultJoinTimeout);
        builder.WebHost.UseUrls($"http://{FormatHost(settings.Cluster.Address)}:{httpPort}");
        builder.UseOrleans(silo =>
        {
            silo.AddAftSweep(settings).AddAftSweepWorkerSlots();
            // Orleans' default is five minutes of retries with only connection warnings; give up with a message instead.
            silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = joinTimeout);
        });
        builder.Services.AddCommitFaultInjection(builder.Configuration);
        builder.Services.AddAftSweepMetricsExport();

        // The trial engine the worker slots run (the embedded host registers the same one).
        // A grains-only silo still holds the store: it serves the staging grain `submit` uploads datasets through.
        var engine = EngineSettings(builder.Configuration, settings);
        if (settings.Workers.DeviceList.Count > 0) builder.Services.AddAftSweepEngine(engine);
        else
        {
            engine.Validate();
            builder.Services.AddAftSweepStore(Infra.Storage.StoreLocation.Resolve(engine.Store), engine);
        }
        return builder;
    }

    /// <summary>The "Engine" section; the store falls back to AFTSWEEP_STORAGE, then the state folder's store; the CPU slot count to the worker settings.</summary>
    public static EngineOptions EngineSettings(IConfiguration configuration, AftSweepSiloSettings settings)
    {
        var engine = configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        if (configuration.GetSection(EngineOptions.Section)[nameof(EngineOptions.CpuSlots)] is null)
            engine.CpuSlots = settings.Workers.DeviceList.Contains("cpu") ? settings.Workers.SlotsPerDevice : 1;
        // Engine:Store, else AFTSWEEP_STORAGE (resolved from a null store), else the state folder's store: where
        // `aftsweep run` with that --state keeps it, and (for the default folder) where `features ls` looks.
        if (string.IsNullOrWhiteSpace(engine.Store) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Infra.Storage.StoreLocation.EnvironmentVariable)))
            engine.Store = Path.Combine(settings.State.Folder, "store");
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
        var options = configuration.GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>() ?? new FaultInjectionOptions();
        if (options.KillAtCommit is not { } at) return services;
        if (!Enum.IsDefined(at))
            throw new ArgumentException($"{FaultInjectionOptions.Section}:{nameof(options.KillAtCommit)}: '{at}' is not BeforeCommit or AfterCommit");
        if (options.AfterRecordCommits < 1)
            throw new ArgumentException($"{FaultInjectionOptions.Section}:{nameof(options.AfterRecordCommits)}: must be at least 1");
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp =>
            new CommitFaultsInstaller(sp.GetRequiredService<StateDatabaseLease>(), new KillProcessAtCommit(at, options.AfterRecordCommits)));
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
