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
}

/// <summary>Cluster membership and endpoints, shared by silos and clients (configuration section "Cluster").</summary>
public sealed class ClusterConnectionOptions
{
    public const string Section = "Cluster";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

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
    public string DescribeTarget() => Clustering == ClusteringMode.Localhost
        ? $"localhost gateways {string.Join(", ", ClientGatewayPorts.Select(p => $"127.0.0.1:{p}"))} (cluster '{ClusterId}', service '{ServiceId}')"
        : $"Azure Table clustering (table '{AzureClusteringTable}', cluster '{ClusterId}', service '{ServiceId}')";
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
        if (o.Clustering == ClusteringMode.Azure && string.IsNullOrWhiteSpace(o.AzureStorageConnectionString))
            errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.AzureStorageConnectionString)}: required with Azure clustering");
        if (o.TlsCertificate is { Length: > 0 } cert && !File.Exists(cert))
            errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.TlsCertificate)}: file not found: {Path.GetFullPath(cert)}");
        if (string.IsNullOrWhiteSpace(o.ClusterId)) errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.ClusterId)}: must not be empty");
        if (string.IsNullOrWhiteSpace(o.ServiceId)) errors.Add($"{ClusterConnectionOptions.Section}:{nameof(o.ServiceId)}: must not be empty");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(ClusterConnectionOptions options)
    {
        var result = new ClusterConnectionOptionsValidator().Validate(null, options);
        if (result.Failed) throw new ArgumentException(string.Join("; ", result.Failures));
    }
}
