using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Client.Commands.Features;
using AftSweep.Infra.Storage;

namespace AftSweep.Client.Commands;

/// <summary>
/// Every environment variable `aftsweep` reads, in one list (the docs and the docker-compose test check against it).
/// A value of the form azure:NAME (AFTSWEEP_CLUSTER, AFTSWEEP_STORAGE) also reads the variable NAME.
/// </summary>
public static class ClientEnvironment
{
    public static IReadOnlyList<string> Variables { get; } =
    [
        ClusterTarget.EnvironmentVariable,
        ClusterTarget.ClusterIdVariable,
        ClusterTarget.TlsCertificateVariable,
        ClusterTarget.TlsPasswordVariable,
        StoreLocation.EnvironmentVariable,
        FeatureStoreOpener.CacheEnvironmentVariable,
        CliVerbosity.EnvironmentVariable,
        Transfer.Bundled.BundledModels.DirectoryVariable,
    ];
}
