using AftSweep.Infra.Orleans;
using AftSweep.Infra.Storage;

namespace AftSweep.Silo.Configuration;

/// <summary>
/// The environment variables `aftsweep-silo` reads besides its settings (Section__Key, <see cref="SiloConfigurationKeys"/>).
/// A value of the form azure:NAME (Engine__Store, AFTSWEEP_STORAGE) also reads the variable NAME.
/// </summary>
public static class SiloEnvironment
{
    public const string Verbose = "AFTSWEEP_VERBOSE";

    public static IReadOnlyList<string> Variables { get; } =
        [StoreLocation.EnvironmentVariable, ClusterConnectionOptions.PostgresEnvironmentVariable, Verbose, Transfer.Bundled.BundledModels.DirectoryVariable];
}
