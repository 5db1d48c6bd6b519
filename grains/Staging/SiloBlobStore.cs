using AftSweep.Contracts.Storage;

namespace AftSweep.Grains.Staging;

/// <summary>
/// This silo's blob store for features, artifacts and staged files, kept apart from any store the host registers for
/// grain state. The host's worker runtime registers it (AftSweep.Workers' AddAftSweepStore); <see cref="StagingGrain"/>
/// writes the files `submit` stages into it.
/// </summary>
public sealed record SiloBlobStore(IBlobStore Blobs);
