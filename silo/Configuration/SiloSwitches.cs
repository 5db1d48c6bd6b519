using AftSweep.Grains.Options;
using AftSweep.Infra.Orleans;
using AftSweep.Workers.Engine;

namespace AftSweep.Silo.Configuration;

/// <summary>
/// The silo's short switches. Where the client has the same setting the switch has the client's name: --cluster-id,
/// --state (the state folder), --store (the feature store, which also holds staged datasets), --cache and
/// --cache-size-gb (the local shard cache). Any setting also works as --Section:Key=value or the environment variable
/// Section__Key.
/// </summary>
public static class SiloSwitches
{
    public static IReadOnlyList<SiloSwitch> All { get; } =
    [
        new("--cluster-id", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.ClusterId)), "ID",
            "The cluster's id; clients pass the same --cluster-id (default aftsweep)."),
        new("--clustering", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.Clustering)), "Localhost|Postgres|Azure",
            "How silos find each other: Localhost (one machine; the primary holds membership), Postgres (PostgreSQL tables from `aftsweep db init`; connection string in Cluster:PostgresConnectionString, default $AFTSWEEP_POSTGRES) or Azure (an Azure Storage table; needs Cluster:AzureStorageConnectionString)."),
        new("--address", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.Address)), "IP",
            "The address this silo binds and advertises (default 127.0.0.1)."),
        new("--silo-port", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.SiloPort)), "PORT",
            $"Silo-to-silo port (default {ClusterConnectionOptions.DefaultSiloPort})."),
        new("--gateway-port", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.GatewayPort)), "PORT",
            $"Client port; clients pass --cluster localhost:PORT (default {ClusterConnectionOptions.DefaultGatewayPort})."),
        new("--primary-silo-port", Key(ClusterConnectionOptions.Section, nameof(ClusterConnectionOptions.PrimarySiloPort)), "PORT",
            $"Localhost clustering: the primary silo's --silo-port (default {ClusterConnectionOptions.DefaultSiloPort}); the silo whose --silo-port equals it is the primary, start it first."),
        new("--state", Key(StateStoreOptions.Section, nameof(StateStoreOptions.Folder)), "DIR",
            "The state folder (its SQLite database aftsweep.db holds grain state and records) in Local state-store mode (default .aftsweep/state)."),
        new("--state-store", Key(StateStoreOptions.Section, nameof(StateStoreOptions.Store)), "Local|Sqlite|Postgres|Azure",
            "Where grain state and records live: Local or Sqlite (aftsweep.db in the --state folder; silos of one machine), Postgres (the database of Cluster:PostgresConnectionString, default $AFTSWEEP_POSTGRES; `aftsweep db init` creates its tables) or Azure (blob containers; needs Cluster:AzureStorageConnectionString)."),
        new("--store", Key(EngineOptions.Section, nameof(EngineOptions.Store)), "STORE",
            "Feature store, which also holds the datasets `submit` stages: a folder, or azure:ENV_VAR / azure:CONNECTION-STRING (default $AFTSWEEP_STORAGE, else <--state>/store: .aftsweep/state/store, as for `aftsweep run` and `features`)."),
        new("--cache", Key(EngineOptions.Section, nameof(EngineOptions.CacheFolder)), "DIR",
            "Local cache of feature shards in front of an Azure store (default: none). Staged datasets are cached in Engine:StagedCache (default ~/.cache/aftsweep/staged)."),
        new("--cache-size-gb", Key(EngineOptions.Section, nameof(EngineOptions.CacheSizeGb)), "GB",
            "Size limit of the local shard cache, least recently used first out (default 10)."),
        new("--devices", Key(WorkerSlotOptions.Section, nameof(WorkerSlotOptions.Devices)), "LIST",
            "Devices this silo trains on: cpu, or cuda:0,cuda:1,...; empty: no worker slots (a grains-only silo). Default cpu."),
        new("--slots-per-device", Key(WorkerSlotOptions.Section, nameof(WorkerSlotOptions.SlotsPerDevice)), "N",
            "Trials run at once on each device (default 1)."),
        new("--max-attempts", Key(SchedulingOptions.Section, nameof(SchedulingOptions.MaxAttempts)), "N",
            $"Attempts a trial gets before it fails for good (default {SchedulingOptions.DefaultMaxAttempts})."),
        new("--trial-timeout", Key(SchedulingOptions.Section, nameof(SchedulingOptions.TrialTimeout)), "HH:MM:SS",
            "A trial running longer fails with reason timeout (default 00:00:00: no limit)."),
        new("--http-port", SiloHostSettings.HttpPortKey, "PORT",
            $"Port of /metrics and /healthz, on --address (default {SiloHostSettings.DefaultHttpPort})."),
        new("--join-timeout", SiloHostSettings.JoinTimeoutKey, "HH:MM:SS",
            $"How long a starting silo tries to reach its primary or membership store before it gives up with exit code 2 (default {SiloHostSettings.DefaultJoinTimeout:c})."),
    ];

    /// <summary>Switches that were renamed, so the old spelling gets a precise hint instead of a guess.</summary>
    public static IReadOnlyDictionary<string, string> Renamed { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--feature-store"] = "--store",
    };

    public static SiloSwitch? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string Key(string section, string name) => $"{section}:{name}";
}
