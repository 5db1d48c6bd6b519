namespace AftSweep.Transfer.Training;

/// <summary>Process-level knobs of <see cref="TrialExecutor"/> (bound from configuration section "Trials").</summary>
public sealed class TrialExecutorOptions
{
    public const string SectionName = "Trials";
    public const int DefaultProgressEvery = 20;

    /// <summary>
    /// libtorch intra-op threads for CPU trials (process-wide). Null leaves libtorch's default (one per core), right
    /// for one CPU slot; with several CPU slots give each cores / slots.
    /// </summary>
    public int? TorchThreads { get; set; }

    /// <summary>Steps between progress reports (heartbeats).</summary>
    public int ProgressEvery { get; set; } = DefaultProgressEvery;

    public void Validate()
    {
        if (TorchThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(TorchThreads), TorchThreads, $"{nameof(TorchThreads)} must be positive or unset");
        if (ProgressEvery <= 0)
            throw new ArgumentOutOfRangeException(nameof(ProgressEvery), ProgressEvery, $"{nameof(ProgressEvery)} must be positive");
    }
}
