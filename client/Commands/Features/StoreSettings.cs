using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Features;

/// <summary>Options shared by the verbs that open the feature store.</summary>
public class StoreSettings : CommandSettings
{
    [CommandOption("--store <STORE>")]
    [Description("Feature store: a folder, or azure:ENV_VAR / azure:CONNECTION-STRING. Default: $AFTSWEEP_STORAGE, else .aftsweep/state/store (where `aftsweep run` keeps its features).")]
    public string? Store { get; init; }

    [CommandOption("--cache <DIR>")]
    [Description("Local shard cache in front of an Azure store (default $AFTSWEEP_FEATURE_CACHE or ~/.cache/aftsweep/features).")]
    public string? Cache { get; init; }

    [CommandOption("--cache-size-gb <GB>")]
    [Description("Size limit of the local cache, least recently used shards evicted first (default 10).")]
    public double? CacheSizeGb { get; init; }

    [CommandOption("--json")]
    [Description("Machine-readable output.")]
    public bool Json { get; init; }
}
