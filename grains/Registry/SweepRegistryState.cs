using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Registry;

/// <summary>What the sweep registry persists: sweep id -> its registration.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepRegistryState.v1")]
public sealed record SweepRegistryState
{
    [Id(0)] public IReadOnlyDictionary<string, SweepRegistration> Sweeps { get; init; } = new Dictionary<string, SweepRegistration>();
}
