using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Orleans;

/// <summary>Where grain state and trial records live.</summary>
public enum StoreMode
{
    /// <summary>A local folder (the embedded default; survives restarts of the process).</summary>
    Local = 1,
    /// <summary>Azure Blob containers (Azurite locally); uses <see cref="ClusterConnectionOptions.AzureStorageConnectionString"/>.</summary>
    Azure = 2,
}

/// <summary>Grain state and record store (configuration section "State").</summary>
public sealed class StateStoreOptions
{
    public const string Section = "State";

    public StoreMode Store { get; set; } = StoreMode.Local;
    /// <summary>Local mode: grain state goes to Folder/grains, records to Folder/records.</summary>
    public string Folder { get; set; } = ".aftsweep/state";
    /// <summary>Local mode: fsync each state and record file (survives power loss; costs a few ms per write).</summary>
    public bool FlushToDisk { get; set; }
    public string GrainStateContainer { get; set; } = "aftsweep-grainstate";
    public string RecordsContainer { get; set; } = "aftsweep-records";

    public string GrainsFolder => Path.Combine(Path.GetFullPath(Folder), "grains");
    public string RecordsFolder => Path.Combine(Path.GetFullPath(Folder), "records");
}

public sealed class StateStoreOptionsValidator : IValidateOptions<StateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StateStoreOptions o)
    {
        var errors = new List<string>();
        if (o.Store == StoreMode.Local && string.IsNullOrWhiteSpace(o.Folder))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.Folder)}: must name a folder in Local mode");
        if (o.Store == StoreMode.Azure && string.IsNullOrWhiteSpace(o.GrainStateContainer))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.GrainStateContainer)}: must not be empty");
        if (o.Store == StoreMode.Azure && string.IsNullOrWhiteSpace(o.RecordsContainer))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.RecordsContainer)}: must not be empty");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
