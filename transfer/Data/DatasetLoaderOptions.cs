using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

/// <summary>Loader settings that are not part of the grid's dataset block but change what is loaded.</summary>
public sealed record DatasetLoaderOptions
{
    /// <summary>Images decoded in parallel by this many threads (does not change the result).</summary>
    public int DecodeThreads { get; init; } = Environment.ProcessorCount;
}
