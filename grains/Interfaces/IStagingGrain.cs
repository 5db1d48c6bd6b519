

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// Writes the files `submit` stages (datasets, checkpoints) into the cluster's store, so silos on other machines read
/// them from there and no client path has to reach a silo. A stateless worker: any silo with a store serves it.
/// Keys are <see cref="Contracts.Staging.StagedBlobs"/> keys; content-addressed, so writing one twice writes the same bytes.
/// </summary>
[Alias("aftsweep.IStagingGrain")]
public interface IStagingGrain : IGrainWithIntegerKey
{
    /// <summary>The keys the store does not hold yet (an upload that was interrupted resumes from there).</summary>
    [Alias("Missing")]
    Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> keys);

    /// <summary>Writes one blob (a part of a file, or a manifest).</summary>
    [Alias("Put")]
    Task PutAsync(string key, byte[] content);
}
