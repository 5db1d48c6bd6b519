namespace AftSweep.Silo.Configuration;

/// <summary>A short command-line switch of `aftsweep-silo` and the configuration key it sets.</summary>
public sealed record SiloSwitch(string Name, string Key, string ValueName, string Description)
{
    /// <summary>The environment-variable form of the key (Cluster:SiloPort -> Cluster__SiloPort).</summary>
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
}
