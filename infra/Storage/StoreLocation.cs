namespace AftSweep.Infra.Storage;

public enum StoreBackend { Local = 1, Azure = 2 }

/// <summary>
/// Where the feature store lives, from <c>--store</c>, else the <see cref="EnvironmentVariable"/> environment
/// variable, else <see cref="DefaultDirectory"/>. Forms: <c>DIR</c> or <c>local:DIR</c>; <c>azure:NAME</c> where
/// NAME is an environment variable holding the connection string; <c>azure:CONNECTION-STRING</c>. The connection
/// string is held here and handed to the Azure client only: <see cref="ToString"/> and every error omit it.
/// </summary>
public sealed class StoreLocation
{
    public const string EnvironmentVariable = "AFTSWEEP_STORAGE";
    /// <summary>The default state folder's store: where `aftsweep run`, `features` and a silo all look unless told otherwise.</summary>
    public const string DefaultDirectory = ".aftsweep/state/store";
    private const string AzurePrefix = "azure:";
    private const string LocalPrefix = "local:";

    private StoreLocation(StoreBackend backend, string? directory, string? connectionString, string source)
    {
        Backend = backend;
        Directory = directory;
        ConnectionString = connectionString;
        Source = source;
    }

    public StoreBackend Backend { get; }
    /// <summary>Local: the absolute root folder.</summary>
    public string? Directory { get; }
    /// <summary>Azure: the connection string. A secret: never log or print it.</summary>
    public string? ConnectionString { get; }
    /// <summary>Where the setting came from, safe to print ("--store", "AFTSWEEP_STORAGE", "env MY_CONN", "default").</summary>
    public string Source { get; }

    public static StoreLocation Local(string directory) => new(StoreBackend.Local, Path.GetFullPath(directory), null, "code");

    /// <summary>
    /// Resolves <paramref name="value"/> (the <c>--store</c> option, may be null). <paramref name="environment"/>
    /// reads environment variables (defaults to the process environment). Throws <see cref="ArgumentException"/>
    /// naming the setting and what was expected.
    /// </summary>
    public static StoreLocation Resolve(string? value, Func<string, string?>? environment = null, string? baseDirectory = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var source = "--store";
        if (string.IsNullOrWhiteSpace(value))
        {
            value = environment(EnvironmentVariable);
            source = EnvironmentVariable;
        }
        if (string.IsNullOrWhiteSpace(value))
            return new StoreLocation(StoreBackend.Local, Path.GetFullPath(DefaultDirectory, baseDirectory ?? System.IO.Directory.GetCurrentDirectory()), null, "default");

        value = value.Trim();
        if (value.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = value[AzurePrefix.Length..].Trim();
            if (rest.Length == 0)
                throw new ArgumentException($"{source}: 'azure:' needs a connection string or the name of an environment variable holding one (azure:MY_CONN)");
            if (rest.Contains('='))
                return new StoreLocation(StoreBackend.Azure, null, rest, source);
            var fromEnv = environment(rest);
            if (string.IsNullOrWhiteSpace(fromEnv))
                throw new ArgumentException($"{source}: azure:{rest}: environment variable {rest} is not set (expected it to hold an Azure storage connection string)");
            return new StoreLocation(StoreBackend.Azure, null, fromEnv.Trim(), $"{source} (env {rest})");
        }
        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{source}: a URL is not a store; use azure:CONNECTION-STRING or azure:ENV_VAR for Azure Blob Storage, or a folder path");
        var dir = value.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase) ? value[LocalPrefix.Length..] : value;
        if (dir.Length == 0) throw new ArgumentException($"{source}: 'local:' needs a folder path");
        return new StoreLocation(StoreBackend.Local, Path.GetFullPath(dir, baseDirectory ?? System.IO.Directory.GetCurrentDirectory()), null, source);
    }

    public override string ToString() => Backend == StoreBackend.Local ? $"local:{Directory}" : $"azure:(connection string from {Source})";
}
