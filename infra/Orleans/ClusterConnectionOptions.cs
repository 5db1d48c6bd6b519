using System.Net;
using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Orleans;

/// <summary>How silos find each other and clients find silos.</summary>
public enum ClusteringMode
{
    /// <summary>Silos on one machine; one of them (the primary) holds membership. No services needed.</summary>
    Localhost = 1,
    /// <summary>Membership in an Azure Storage table (Azurite locally).</summary>
    Azure = 2,
    /// <summary>Membership in PostgreSQL through Orleans' ADO.NET clustering (tables created by `aftsweep db init`).</summary>
    Postgres = 3,
}

/// <summary>Cluster membership and endpoints, shared by silos and clients (configuration section "Cluster").</summary>
public sealed class ClusterConnectionOptions
{
    public const string Section = "Cluster";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    /// <summary>Where silos and the CLI read the PostgreSQL connection string when no setting gives one.</summary>
    public const string PostgresEnvironmentVariable = "AFTSWEEP_POSTGRES";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;
    public string ClusterId { get; set; } = "aftsweep";
    public string ServiceId { get; set; } = "aftsweep";
    /// <summary>The address silos bind to and advertise. Loopback unless told otherwise.</summary>
    public string Address { get; set; } = IPAddress.Loopback.ToString();
    public int SiloPort { get; set; } = DefaultSiloPort;
    public int GatewayPort { get; set; } = DefaultGatewayPort;
    /// <summary>Localhost clustering: the silo port of the primary silo (the silo with this port is the primary).</summary>
    public int PrimarySiloPort { get; set; } = DefaultSiloPort;
    /// <summary>Localhost clustering, clients: gateway ports to try (default: <see cref="GatewayPort"/>).</summary>
    public int[] GatewayPorts { get; set; } = [];
    /// <summary>Azure clustering and storage. A secret: never logged or printed.</summary>
    public string? AzureStorageConnectionString { get; set; }
    public string AzureClusteringTable { get; set; } = "AftSweepCluster";
    /// <summary>
    /// PostgreSQL clustering and state (an Npgsql connection string; default: $AFTSWEEP_POSTGRES). A secret: never logged
    /// or printed.
    /// </summary>
    public string? PostgresConnectionString { get; set; }
    /// <summary>
    /// Mutual TLS between silos and clients: a PKCS#12 (.pfx) file with the cluster certificate and its private key.
    /// Every silo and client presents it and accepts only peers presenting it (or one in <see cref="TlsAllowedThumbprints"/>).
    /// Unset: plain TCP (loopback-only deployments). See docs/reliability.md.
    /// </summary>
    public string? TlsCertificate { get; set; }
    /// <summary>The .pfx password, if any. A secret: never logged or printed.</summary>
    public string? TlsCertificatePassword { get; set; }
    /// <summary>Further certificate thumbprints (SHA-1 hex) a peer may present, e.g. while rotating certificates.</summary>
    public string[] TlsAllowedThumbprints { get; set; } = [];

    public IReadOnlyList<int> ClientGatewayPorts => GatewayPorts.Length > 0 ? GatewayPorts : [GatewayPort];

    /// <summary>What a client tries, for error messages (no secrets).</summary>
    public string DescribeTarget() => Clustering switch
    {
        ClusteringMode.Localhost => $"localhost gateways {string.Join(", ", ClientGatewayPorts.Select(p => $"127.0.0.1:{p}"))} (cluster '{ClusterId}', service '{ServiceId}')",
        ClusteringMode.Postgres => $"PostgreSQL clustering ({DescribePostgres(PostgresConnectionString)}, cluster '{ClusterId}', service '{ServiceId}')",
        _ => $"Azure Table clustering (table '{AzureClusteringTable}', cluster '{ClusterId}', service '{ServiceId}')",
    };

    /// <summary>The database and server a connection string names, without its secrets.</summary>
    public static string DescribePostgres(string? connectionString)
    {
        try
        {
            return Database.Postgres.PostgresStateDatabase.Describe(new Npgsql.NpgsqlConnectionStringBuilder(connectionString ?? ""));
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (connection string not readable)";
        }
    }
}

public sealed class ClusterConnectionOptionsValidator : IValidateOptions<ClusterConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterConnectionOptions o)
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(o.Address, out _)) errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.Address)}: '{o.Address}' is not an IP address");
        foreach (var (port, field) in new[] { (o.SiloPort, nameof(o.SiloPort)), (o.GatewayPort, nameof(o.GatewayPort)), (o.PrimarySiloPort, nameof(o.PrimarySiloPort)) })
        {
            if (port is < 1 or > 65535) errors.Add($"{ClusterConnectionOptions.Section}:{field}: {port} is not a port (1-65535)");
        }
        if (!Enum.IsDefined(o.Clustering))
            errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.Clustering)}: {(int)o.Clustering} is not a clustering mode (Localhost, Postgres or Azure)");
        if (o.Clustering == ClusteringMode.Azure && string.IsNullOrWhiteSpace(o.AzureStorageConnectionString))
            errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.AzureStorageConnectionString)}: required with Azure clustering");
        if (o.Clustering == ClusteringMode.Postgres && PostgresConnectionProblem(o.PostgresConnectionString, "with Postgres clustering") is { } problem)
            errors.Add(problem);
        if (o.TlsCertificate is { Length: > 0 } cert && !File.Exists(cert))
            errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.TlsCertificate)}: file not found: {Path.GetFullPath(cert)}");
        if (string.IsNullOrWhiteSpace(o.ClusterId)) errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.ClusterId)}: must not be empty");
        if (string.IsNullOrWhiteSpace(o.ServiceId)) errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.ServiceId)}: must not be empty");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Why a PostgreSQL connection string is unusable, or null; never quotes it (it holds a password).</summary>
    public static string? PostgresConnectionProblem(string? connectionString, string when)
    {
        const string Field = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.PostgresConnectionString)}";
        if (string.IsNullOrWhiteSpace(connectionString)) return $"{Field}: required {when}";
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException)
        {
            return $"{Field}: not a PostgreSQL connection string (expected Host=...;Port=...;Database=...;Username=...;Password=...)";
        }
    }

    public static void ThrowIfInvalid(ClusterConnectionOptions options)
    {
        var result = new ClusterConnectionOptionsValidator().Validate(null, options);
        if (result.Failed) throw new ArgumentException(string.Join("; ", result.Failures));
    }
}
