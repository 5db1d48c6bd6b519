using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

/// <summary>Loads a grid's dataset block (every format of grid.md), applying limits. Errors name the file and row.</summary>
public interface IDatasetLoader
{
    /// <param name="splitSeed">The grid's <c>selection.splitSeed</c>: seeds the class-balanced <c>limit</c> subsets.</param>
    LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default);
}
