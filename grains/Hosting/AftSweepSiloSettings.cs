using AftSweep.Grains.Options;
using AftSweep.Infra.Orleans;
using Microsoft.Extensions.Configuration;

namespace AftSweep.Grains.Hosting;

/// <summary>Everything a silo needs to know, from configuration (silo host) or code (embedded host, bench, tests).</summary>
public sealed class AftSweepSiloSettings
{
    public ClusterConnectionOptions Cluster { get; set; } = new();
    public StateStoreOptions State { get; set; } = new();
    public SchedulingOptions Scheduling { get; set; } = new();
    public WorkerSlotOptions Workers { get; set; } = new();
    /// <summary>Declare dead silos within about two seconds instead of tens (tests and single-machine demos).</summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>Binds the "Cluster", "State", "Scheduling" and "Workers" sections.</summary>
    public static AftSweepSiloSettings From(IConfiguration configuration)
    {
        var settings = new AftSweepSiloSettings
        {
            Cluster = configuration.GetSection(ClusterConnectionOptions.Section).Get<ClusterConnectionOptions>() ?? new(),
            State = configuration.GetSection(StateStoreOptions.Section).Get<StateStoreOptions>() ?? new(),
            Scheduling = configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new(),
            Workers = configuration.GetSection(WorkerSlotOptions.Section).Get<WorkerSlotOptions>() ?? new(),
            FastFailureDetection = configuration.GetValue<bool>(nameof(FastFailureDetection)),
        };
        if (string.IsNullOrWhiteSpace(settings.Cluster.PostgresConnectionString))
            settings.Cluster.PostgresConnectionString = Environment.GetEnvironmentVariable(ClusterConnectionOptions.PostgresEnvironmentVariable);
        return settings;
    }

    /// <summary>Every problem at once, each naming its option.</summary>
    public void Validate()
    {
        var failures = new List<string>();
        void Check(Microsoft.Extensions.Options.ValidateOptionsResult r)
        {
            if (r.Failed) failures.AddRange(r.Failures);
        }
        Check(new ClusterConnectionOptionsValidator().Validate(null, Cluster));
        Check(new StateStoreOptionsValidator().Validate(null, State));
        if (State.Store == StoreMode.Postgres
            && ClusterConnectionOptionsValidator.PostgresConnectionProblem(Cluster.PostgresConnectionString, $"when {StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)} is Postgres") is { } problem)
            failures.Add(problem);
        Check(new SchedulingOptionsValidator().Validate(null, Scheduling));
        Check(new WorkerSlotOptionsValidator().Validate(null, Workers));
        if (failures.Count > 0) throw new ArgumentException("invalid silo configuration: " + string.Join("; ", failures));
    }
}
