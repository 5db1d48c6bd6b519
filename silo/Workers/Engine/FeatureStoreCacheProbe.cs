using AftSweep.Transfer.Features;
using AftSweep.Workers.Slots;

namespace AftSweep.Workers.Engine;

/// <summary>
/// The locality hint over this silo's feature store: the keys of the complete feature sets whose every shard is in
/// the silo's local cache right now (<see cref="FeatureStore.LocallyCachedSetKeys"/>). Empty when the store has no
/// local cache (a local-folder store is local to every slot already).
/// </summary>
public sealed class FeatureStoreCacheProbe(FeatureStore store) : IFeatureCacheProbe
{
    public IReadOnlyList<string> CachedFeatureKeys() => store.LocallyCachedSetKeys();
}
