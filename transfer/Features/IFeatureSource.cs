using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Features;

/// <summary>
/// Gives a teacher's features for a whole split of a loaded dataset (rows in dataset order), from a cache or by
/// extracting them. The feature store implements it; trials consume it.
/// </summary>
public interface IFeatureSource
{
    Task<FeatureMatrix> GetAsync(TeacherRef teacher, LoadedDataset dataset, SplitName split, CancellationToken cancellationToken);
}
