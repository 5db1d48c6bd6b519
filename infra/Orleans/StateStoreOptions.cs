using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Orleans;

/// <summary>Where grain state and trial records live.</summary>
public enum StoreMode
{
    /// <summary>A SQLite database (aftsweep.db) in <see cref="StateStoreOptions.Folder"/>: the embedded default, and silos of one machine.</summary>
    Local = 1,
    /// <summary>The same as <see cref="Local"/>, by the database's name.</summary>
    Sqlite = Local,
    /// <summary>Azure Blob containers (Azurite locally); uses <see cref="ClusterConnectionOptions.AzureStorageConnectionString"/>.</summary>
    Azure = 2,
    /// <summary>A PostgreSQL database (created by `aftsweep db init`); uses <see cref="ClusterConnectionOptions.PostgresConnectionString"/>.</summary>
    Postgres = 3,
}

/// <summary>Grain state and record store (configuration section "State").</summary>
public sealed class StateStoreOptions
{
    public const string Section = "State";

    public StoreMode Store { get; set; } = StoreMode.Local;
    /// <summary>Local mode: the folder of the SQLite database (aftsweep.db), and of the feature store unless configured elsewhere.</summary>
    public string Folder { get; set; } = ".aftsweep/state";
    /// <summary>Local mode: fsync every commit batch (survives power loss; without it every commit survives a crash of the process).</summary>
    public bool FlushToDisk { get; set; }
    public string GrainStateContainer { get; set; } = "aftsweep-grainstate";
    public string RecordsContainer { get; set; } = "aftsweep-records";
}

public sealed class StateStoreOptionsValidator : IValidateOptions<StateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StateStoreOptions o)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(o.Store))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.Store)}: {(int)o.Store} is not a store (Local/Sqlite, Postgres or Azure)");
        if (o.Store == StoreMode.Local && string.IsNullOrWhiteSpace(o.Folder))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.Folder)}: must name a folder in Local mode");
        if (o.Store == StoreMode.Azure && string.IsNullOrWhiteSpace(o.GrainStateContainer))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.GrainStateContainer)}: must not be empty");
        if (o.Store == StoreMode.Azure && string.IsNullOrWhiteSpace(o.RecordsContainer))
            errors.Add($"{StateStoreOptions.Section}:{nameof(o.RecordsContainer)}: must not be empty");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
