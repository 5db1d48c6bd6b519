namespace AftSweep.Workers.Slots;

/// <summary>
/// The affinity hint: which feature keys (Contracts.Cluster.FeatureAffinity) this silo's local feature cache holds.
/// Reported on every lease so the dispatcher can prefer trials whose features are already here. The feature store
/// implements it; the default reports nothing (no preference).
/// </summary>
public interface IFeatureCacheProbe
{
    IReadOnlyList<string> CachedFeatureKeys();
}

public sealed class NoFeatureCache : IFeatureCacheProbe
{
    public IReadOnlyList<string> CachedFeatureKeys() => [];
}
