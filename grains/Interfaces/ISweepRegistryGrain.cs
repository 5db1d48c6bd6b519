using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Interfaces;

/// <summary>
/// Every sweep the cluster has been given (one grain, key <see cref="Key"/>), so `aftsweep status` without an id can
/// list them. Sweep grains register themselves on submission; the list is persisted and survives restarts.
/// </summary>
[Alias("aftsweep.ISweepRegistryGrain")]
public interface ISweepRegistryGrain : IGrainWithStringKey
{
    public const string Key = "sweeps";

    /// <summary>Adds the sweep, or keeps the entry it already has (resubmitting does not move its submission time).</summary>
    [Alias("Register")]
    Task RegisterAsync(SweepRegistration sweep);

    /// <summary>Every registered sweep, newest submission first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<SweepRegistration>> ListAsync();
}
