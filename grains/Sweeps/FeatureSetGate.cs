using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Features;
using AftSweep.Grains.Interfaces;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// Holds a sweep's trials back until the feature sets they read are settled: ready, or failed (a failed set lets its
/// trials run and fail with the executor's own error, kept in their records, rather than hold the sweep forever).
/// The first <see cref="EnsureAsync"/> asks every set to exist (single flight: the first ask queues the extraction,
/// later ones join it); while some are missing or extracting, the sweep polls them with <see cref="PollAsync"/>.
/// Plain class: the feature-set grains are reached through the two delegates, so it is testable without a cluster.
/// </summary>
/// <param name="requests">The plan's feature sets (<see cref="SweepFeaturePlan.For"/>).</param>
/// <param name="ensure">Makes a set exist (and retries a failed one): IFeatureSetGrain.EnsureAsync.</param>
/// <param name="resume">A set's phase, re-queueing shards a restarted dispatcher forgot: IFeatureSetGrain.ResumeAsync.</param>
public sealed class FeatureSetGate(
    IReadOnlyList<FeatureSetRequest> requests,
    Func<FeatureSetRequest, Task<FeatureSetStatus>> ensure,
    Func<FeatureSetRequest, Task<FeatureSetStatus>> resume)
{
    private readonly Dictionary<string, FeatureSetPhase> _phases = new(StringComparer.Ordinal);

    /// <summary>Every set of the plan is ready or failed: nothing left to wait for.</summary>
    public bool AllSettled => requests.All(r => Settled(_phases.GetValueOrDefault(r.Key)));

    /// <summary>
    /// Asks every set not settled yet to exist; the sets that failed (to be logged) and whether any is still missing
    /// or extracting (then poll).
    /// </summary>
    public async Task<(bool Waiting, IReadOnlyList<(FeatureSetRequest Request, FeatureSetStatus Status)> Failed)> EnsureAsync()
    {
        var waiting = false;
        var failed = new List<(FeatureSetRequest, FeatureSetStatus)>();
        foreach (var request in requests)
        {
            if (Settled(_phases.GetValueOrDefault(request.Key))) continue;
            var status = await ensure(request);
            _phases[request.Key] = status.Phase;
            if (status.Phase == FeatureSetPhase.Failed) failed.Add((request, status));
            waiting |= status.Phase is FeatureSetPhase.Missing or FeatureSetPhase.Extracting;
        }
        return (waiting, failed);
    }

    /// <summary>Looks again at the sets still missing or extracting; true when any changed phase.</summary>
    public async Task<bool> PollAsync()
    {
        var changed = false;
        foreach (var request in requests.Where(r => _phases.GetValueOrDefault(r.Key) is FeatureSetPhase.Missing or FeatureSetPhase.Extracting).ToList())
        {
            // Resume, not Ensure: a set that failed stays failed for this activation (Ensure on a failed set is a
            // retry, and polling would retry a deterministic failure every poll, forever).
            var status = await resume(request);
            if (_phases.TryGetValue(request.Key, out var known) && known == status.Phase) continue;
            _phases[request.Key] = status.Phase;
            changed = true;
        }
        return changed;
    }

    /// <summary>Every set the trial reads is settled.</summary>
    public bool IsReady(TrialSpec spec) =>
        // Every trial's sets are among the plan's, so once all of those are settled no per-trial key hashing is needed.
        (_phases.Count == requests.Count && _phases.Values.All(Settled))
        || SweepFeaturePlan.KeysFor(spec).All(k => Settled(_phases.GetValueOrDefault(k)));

    private static bool Settled(FeatureSetPhase phase) => phase is FeatureSetPhase.Ready or FeatureSetPhase.Failed;
}
