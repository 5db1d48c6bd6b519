using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

/// <summary>Loads a grid's dataset block (every format of grid.md), applying limits. Errors name the file and row.</summary>
public interface IDatasetLoader
{
    LoadedDataset Load(DatasetSpec spec, CancellationToken cancellationToken = default);
}
