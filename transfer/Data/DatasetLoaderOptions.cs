using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

/// <summary>Loader settings that are not part of the grid's dataset block but change what is loaded.</summary>
public sealed record DatasetLoaderOptions
{
    /// <summary>
    /// Seed of the class-balanced <c>limit</c> subsets: the grid's <c>selection.splitSeed</c>, so limited runs are
    /// reproducible. Part of the dataset fingerprint.
    /// </summary>
    public int SplitSeed { get; init; } = SelectionSpec.DefaultSplitSeed;

    /// <summary>Images decoded in parallel by this many threads (does not change the result).</summary>
    public int DecodeThreads { get; init; } = Environment.ProcessorCount;
}
