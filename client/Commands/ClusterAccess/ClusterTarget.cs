using AftSweep.Infra.Orleans;

namespace AftSweep.Client.Commands.ClusterAccess;

/// <summary>
/// Which cluster a verb talks to: `--cluster`, else the AFTSWEEP_CLUSTER environment variable, else localhost.
/// Forms: `localhost` (gateway 127.0.0.1:30000), `localhost:PORT[,PORT...]` (those gateways), `postgres` (PostgreSQL
/// clustering, connection string from AFTSWEEP_POSTGRES), `postgres:CONNECTION_STRING` or `postgres:ENV_VAR`,
/// `azure:CONNECTION_STRING` or `azure:ENV_VAR` (Azure Table clustering). ENV_VAR names a variable holding the
/// connection string, as for --store, so it stays off command lines. The cluster id comes from `--cluster-id` or
/// AFTSWEEP_CLUSTER_ID (default "aftsweep"). Connection strings are secrets: no message repeats one.
/// </summary>
public static class ClusterTarget
{
    public const string EnvironmentVariable = "AFTSWEEP_CLUSTER";
    public const string ClusterIdVariable = "AFTSWEEP_CLUSTER_ID";
    public const string Default = "localhost";
    /// <summary>The PostgreSQL connection string for `--cluster postgres` (keeps the password out of the command line).</summary>
    public const string PostgresVariable = ClusterConnectionOptions.PostgresEnvironmentVariable;
    public const string Forms = "localhost, localhost:PORT[,PORT...], postgres (connection string in $AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING (or postgres:ENV_VAR) or azure:CONNECTION_STRING (or azure:ENV_VAR)";
    /// <summary>The cluster's TLS certificate (.pfx) and its password, when the silos run with TLS on.</summary>
    public const string TlsCertificateVariable = "AFTSWEEP_TLS_CERT";
    public const string TlsPasswordVariable = "AFTSWEEP_TLS_CERT_PASSWORD";

    /// <exception cref="ArgumentException">The spec is not one of the forms above (the message never repeats a connection string).</exception>
    public static ClusterConnectionOptions Resolve(string? cluster, string? clusterId)
    {
        var spec = FirstNonEmpty(cluster, Environment.GetEnvironmentVariable(EnvironmentVariable)) ?? Default;
        var id = FirstNonEmpty(clusterId, Environment.GetEnvironmentVariable(ClusterIdVariable)) ?? "aftsweep";
        var options = Parse(spec.Trim());
        options.ClusterId = id;
        options.TlsCertificate = FirstNonEmpty(Environment.GetEnvironmentVariable(TlsCertificateVariable));
        options.TlsCertificatePassword = FirstNonEmpty(Environment.GetEnvironmentVariable(TlsPasswordVariable));
        ClusterConnectionOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    public static ClusterConnectionOptions Parse(string spec, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (spec.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new ClusterConnectionOptions { Clustering = ClusteringMode.Localhost };
        if (spec.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            var ports = spec["localhost:".Length..].Split(',', StringSplitOptions.TrimEntries).Select(p =>
                int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                    ? port
                    : throw new ArgumentException($"--cluster: '{p}' in '{spec}' is not a gateway port (1-65535); expected localhost:PORT[,PORT...]")).ToArray();
            return new ClusterConnectionOptions { Clustering = ClusteringMode.Localhost, GatewayPorts = ports, GatewayPort = ports[0] };
        }
        if (spec.StartsWith("azure:", StringComparison.OrdinalIgnoreCase))
        {
            var connection = spec["azure:".Length..].Trim();
            if (string.IsNullOrWhiteSpace(connection)) throw new ArgumentException("--cluster: azure: needs a storage connection string (azure:CONNECTION_STRING or azure:ENV_VAR)");
            connection = FromVariableUnlessConnectionString("azure", connection, "an Azure storage connection string", environment);
            return new ClusterConnectionOptions { Clustering = ClusteringMode.Azure, AzureStorageConnectionString = connection };
        }
        if (spec.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            var fromEnvironment = environment(PostgresVariable);
            if (string.IsNullOrWhiteSpace(fromEnvironment))
                throw new ArgumentException($"--cluster postgres: the connection string comes from ${PostgresVariable}, which is not set (or give postgres:CONNECTION_STRING)");
            return new ClusterConnectionOptions { Clustering = ClusteringMode.Postgres, PostgresConnectionString = fromEnvironment };
        }
        if (spec.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            var connection = spec["postgres:".Length..].Trim();
            if (string.IsNullOrWhiteSpace(connection)) throw new ArgumentException("--cluster: postgres: needs a connection string (postgres:Host=...;Database=...;Username=... or postgres:ENV_VAR)");
            connection = FromVariableUnlessConnectionString("postgres", connection, "a PostgreSQL connection string", environment);
            return new ClusterConnectionOptions { Clustering = ClusteringMode.Postgres, PostgresConnectionString = connection };
        }
        // Never echo an unrecognised spec: it may be a connection string typed without its prefix.
        throw new ArgumentException($"--cluster: expected {Forms}");
    }

    /// <summary>A connection string always has key=value pairs: without one, the value names a variable holding it.</summary>
    private static string FromVariableUnlessConnectionString(string prefix, string value, string expected, Func<string, string?> environment)
    {
        if (value.Contains('=', StringComparison.Ordinal)) return value;
        return environment(value) is { Length: > 0 } fromEnvironment
            ? fromEnvironment.Trim()
            : throw new ArgumentException($"--cluster: {prefix}:{value}: environment variable {value} is not set (expected it to hold {expected})");
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
