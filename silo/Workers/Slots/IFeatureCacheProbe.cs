namespace AftSweep.Workers.Slots;

/// <summary>
/// The locality hint: the feature sets (their <c>Contracts.Features.FeatureSetId.Key</c>) this silo's local feature
/// cache holds whole. Reported on every lease so the dispatcher places trials whose features are already here on this
/// silo first (docs/cluster.md, placement). The engine registers <c>FeatureStoreCacheProbe</c>; the default reports
/// nothing (no preference).
/// </summary>
public interface IFeatureCacheProbe
{
    IReadOnlyList<string> CachedFeatureKeys();
}

public sealed class NoFeatureCache : IFeatureCacheProbe
{
    public IReadOnlyList<string> CachedFeatureKeys() => [];
}
