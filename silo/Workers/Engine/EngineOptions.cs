namespace AftSweep.Workers.Engine;

/// <summary>
/// How a silo's trial engine (executor, dataset loader, feature store, teachers) is set up
/// (configuration section "Engine"; the silo host also reads AFTSWEEP_STORAGE through <see cref="Infra.Storage.StoreLocation"/>).
/// </summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";
    public const int DefaultDatasetCacheEntries = 2;

    /// <summary>Feature store: a folder, local:DIR, azure:ENV_VAR or azure:CONNECTION-STRING; null = AFTSWEEP_STORAGE, else .aftsweep/state/store.</summary>
    public string? Store { get; set; }

    /// <summary>Local shard cache in front of a remote (Azure) store; null = no cache. Ignored for a local folder store.</summary>
    public string? CacheFolder { get; set; }

    public double CacheSizeGb { get; set; } = 10;

    /// <summary>Local copies of the datasets and checkpoints `submit` staged into the store; null = ~/.cache/aftsweep/staged.</summary>
    public string? StagedCache { get; set; }

    /// <summary>CPU worker slots in this process: libtorch threads are split between them (cores / slots).</summary>
    public int CpuSlots { get; set; } = 1;

    /// <summary>Overrides the cores / slots split of libtorch threads.</summary>
    public int? TorchThreads { get; set; }

    /// <summary>Where ONNX teachers extract features: auto (the first GPU when the build has ONNX Runtime's CUDA
    /// provider), cpu or cuda:N; a CUDA request that cannot be met falls back to the CPU with one warning.</summary>
    public string TeacherDevice { get; set; } = "auto";

    /// <summary>Loaded datasets kept in memory, keyed by (dataset block, split seed, file stamps).</summary>
    public int DatasetCacheEntries { get; set; } = DefaultDatasetCacheEntries;

    /// <summary>The libtorch threads each trial gets.</summary>
    public int ResolveTorchThreads() => TorchThreads ?? Math.Max(1, Environment.ProcessorCount / Math.Max(1, CpuSlots));

    public void Validate()
    {
        var problems = new List<string>();
        if (CpuSlots is < 1 or > 64) problems.Add($"{Section}:{nameof(CpuSlots)}: must be 1-64, got {CpuSlots}");
        if (TorchThreads is < 1) problems.Add($"{Section}:{nameof(TorchThreads)}: must be positive or unset, got {TorchThreads}");
        if (DatasetCacheEntries is < 0 or > 64) problems.Add($"{Section}:{nameof(DatasetCacheEntries)}: must be 0-64, got {DatasetCacheEntries}");
        if (CacheSizeGb is <= 0 or > 1 << 20) problems.Add($"{Section}:{nameof(CacheSizeGb)}: {CacheSizeGb} is out of range (a positive number of GB)");
        try
        {
            Transfer.Teachers.Onnx.OnnxExecutionProvider.Choose(TeacherDevice, [], 0);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{Section}:{nameof(TeacherDevice)}: {e.Message}");
        }
        if (problems.Count > 0) throw new ArgumentException("invalid engine configuration: " + string.Join("; ", problems));
    }
}
