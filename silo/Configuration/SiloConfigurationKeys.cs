using System.Reflection;
using AftSweep.Grains.Options;
using AftSweep.Infra.Database;
using AftSweep.Infra.Orleans;
using AftSweep.Workers.Engine;

namespace AftSweep.Silo.Configuration;

/// <summary>
/// Every configuration key the silo binds, with the type its value converts to: the properties of its options
/// sections (Cluster, State, Scheduling, Workers, Engine, and FaultInjection for crash tests) and the host's own keys.
/// The strict command line, the configuration check and the docker-compose test all read this list, so none of them
/// can drift from the binding.
/// </summary>
public static class SiloConfigurationKeys
{
    /// <summary>Sections whose every key the silo owns: a key under them that is not bound is a typo, wherever it was set.</summary>
    public static IReadOnlyList<string> OwnedSections { get; } =
        [ClusterConnectionOptions.Section, StateStoreOptions.Section, SchedulingOptions.Section, WorkerSlotOptions.Section, EngineOptions.Section,
         FaultInjectionOptions.Section, "Http", "Silo"];

    /// <summary>Prefixes passed through unchecked: logging levels and the ASP.NET Core host's own settings.</summary>
    public static IReadOnlyList<string> PassThroughPrefixes { get; } = ["Logging:", "environment", "contentRoot", "applicationName"];

    public static IReadOnlyDictionary<string, Type> All { get; } = Collect();

    /// <summary>The type a key binds to ("Cluster:GatewayPorts:0" is an element of Cluster:GatewayPorts), or null when the silo binds no such key.</summary>
    public static Type? TypeOf(string key)
    {
        if (All.TryGetValue(key, out var type)) return type;
        var last = key.LastIndexOf(':');
        if (last > 0 && int.TryParse(key.AsSpan(last + 1), out _) && All.TryGetValue(key[..last], out var array) && array.IsArray)
            return array.GetElementType();
        return null;
    }

    public static bool IsPassThrough(string key) =>
        PassThroughPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    public static bool IsOwned(string key) =>
        OwnedSections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, Type> Collect()
    {
        var keys = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            [SiloHostSettings.HttpPortKey] = typeof(int),
            [SiloHostSettings.JoinTimeoutKey] = typeof(TimeSpan),
            [SiloHostSettings.FastFailureDetectionKey] = typeof(bool),
        };
        foreach (var (section, type) in new[]
                 {
                     (ClusterConnectionOptions.Section, typeof(ClusterConnectionOptions)), (StateStoreOptions.Section, typeof(StateStoreOptions)),
                     (SchedulingOptions.Section, typeof(SchedulingOptions)), (WorkerSlotOptions.Section, typeof(WorkerSlotOptions)),
                     (EngineOptions.Section, typeof(EngineOptions)), (FaultInjectionOptions.Section, typeof(FaultInjectionOptions)),
                 })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
                keys[$"{section}:{property.Name}"] = property.PropertyType;
        }
        return keys;
    }
}
