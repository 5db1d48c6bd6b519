namespace AftSweep.Grains.Dispatch;

/// <summary>
/// What the dispatcher persists: only the sweeps that are not done, so a fresh activation (after a crash or a full
/// restart) can ask each to re-queue its unfinished trials. Queue and leases are rebuilt, never stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.DispatcherState.v1")]
public sealed record DispatcherState
{
    [Id(0)] public IReadOnlyList<string> ActiveSweeps { get; init; } = [];
}
