using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Interfaces;

namespace AftSweep.Grains.Registry;

/// <summary>
/// The cluster's list of sweeps. Written once per new sweep (resubmissions are no-ops), so one grain is enough even
/// for many sweeps; the state is persisted before RegisterAsync returns, so a listed sweep survives a restart.
/// </summary>
public sealed class SweepRegistryGrain(
    [PersistentState("registry", StorageNames.State)] IPersistentState<SweepRegistryState> state) : Grain, ISweepRegistryGrain
{
    public async Task RegisterAsync(SweepRegistration sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentException.ThrowIfNullOrWhiteSpace(sweep.SweepId);
        if (state.State.Sweeps.ContainsKey(sweep.SweepId)) return;
        var sweeps = new Dictionary<string, SweepRegistration>(state.State.Sweeps, StringComparer.Ordinal) { [sweep.SweepId] = sweep };
        state.State = state.State with { Sweeps = sweeps };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<SweepRegistration>> ListAsync() =>
        Task.FromResult<IReadOnlyList<SweepRegistration>>(state.State.Sweeps.Values
            .OrderByDescending(s => s.SubmittedAt).ThenBy(s => s.SweepId, StringComparer.Ordinal).ToList());
}
