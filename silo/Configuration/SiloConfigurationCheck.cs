using AftSweep.Contracts.Grid.Parsing;
using Microsoft.Extensions.Configuration;

namespace AftSweep.Silo.Configuration;

/// <summary>
/// The silo's configuration after every source (appsettings.json, environment, command line) is merged: each key under
/// a section the silo owns must be one it binds, with a value of the bound type. Binding would otherwise ignore a
/// misspelt Cluster__SiloPrt and fail on Cluster__SiloPort=abc with a stack trace.
/// </summary>
public static class SiloConfigurationCheck
{
    /// <exception cref="SiloConfigurationException">Every problem, one after the other on one line.</exception>
    public static void Check(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null || !SiloConfigurationKeys.IsOwned(key) && SiloConfigurationKeys.TypeOf(key) is null) continue;
            if (SiloConfigurationKeys.TypeOf(key) is null)
            {
                var close = Suggest.Closest(key, SiloConfigurationKeys.All.Keys);
                problems.Add($"{Describe(key)}: not a setting of the silo{(close is null ? "" : $"; did you mean {close}?")}");
                continue;
            }
            try
            {
                SiloCommandLine.CheckValue(Describe(key), key, value);
            }
            catch (SiloConfigurationException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0) throw new SiloConfigurationException(string.Join("; ", problems));
    }

    /// <summary>A key with the switch that sets it, if any: "Cluster:SiloPort (--silo-port)".</summary>
    public static string Describe(string key) =>
        SiloSwitches.All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase)) is { } s ? $"{key} ({s.Name})" : key;

    /// <summary>A message with each key it names followed by the switch that sets it.</summary>
    public static string WithSwitches(string message)
    {
        foreach (var s in SiloSwitches.All)
            message = message.Replace($"{s.Key}:", $"{s.Key} ({s.Name}):", StringComparison.Ordinal);
        return message;
    }
}
