using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Workers.Staging;

/// <summary>Loads datasets whose files were staged: fetched and verified by <see cref="StagedInputs"/>, then read as local files.</summary>
public sealed class StagedDatasetLoader(IDatasetLoader inner, StagedInputs staged) : IDatasetLoader
{
    public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default) =>
        inner.Load(staged.Materialize(spec, splitSeed, cancellationToken), splitSeed, cancellationToken);
}
