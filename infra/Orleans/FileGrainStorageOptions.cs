using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Orleans;

/// <summary>Options of <see cref="FileGrainStorage"/>.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>Folder that holds the grain state journal (and per-grain JSON files of earlier versions).</summary>
    public string RootDirectory { get; set; } = "";

    /// <summary>
    /// fsync each group-committed journal batch before acknowledging its writes. Without it a write survives a process
    /// crash (the page cache outlives the process); with it also power loss, at a few ms per batch (not per write).
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
