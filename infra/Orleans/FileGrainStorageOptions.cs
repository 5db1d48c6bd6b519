using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Orleans;

/// <summary>Options of <see cref="FileGrainStorage"/>.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>Folder that holds one JSON file per grain state.</summary>
    public string RootDirectory { get; set; } = "";

    /// <summary>
    /// fsync every state file before it replaces the old one. Temp + rename alone survives a process crash
    /// (the page cache outlives the process); flushing also survives power loss, at a few ms per write.
    /// </summary>
    public bool FlushToDisk { get; set; }
}

public sealed class FileGrainStorageOptionsValidator : IValidateOptions<FileGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, FileGrainStorageOptions options) =>
        string.IsNullOrWhiteSpace(options.RootDirectory)
            ? ValidateOptionsResult.Fail($"grain storage '{name}': {nameof(FileGrainStorageOptions.RootDirectory)} must name a folder")
            : ValidateOptionsResult.Success;
}
