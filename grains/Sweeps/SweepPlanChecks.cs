using AftSweep.Contracts.Protocol;

namespace AftSweep.Grains.Sweeps;

/// <summary>What a sweep checks of a plan submitted to it.</summary>
public static class SweepPlanChecks
{
    /// <summary>
    /// The plan is this sweep's, names each selection trial once, and (when one is registered already) has the same
    /// trials as the registered one: resubmitting is idempotent, a different plan under the same id is refused.
    /// </summary>
    /// <exception cref="ArgumentException">Naming what does not match.</exception>
    public static void RequireSubmittable(string sweepId, SweepPlan? registered, SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.SweepId != sweepId)
            throw new ArgumentException($"plan.sweepId: '{plan.SweepId}' does not match the sweep it was submitted to ('{sweepId}')");
        if (registered is not null)
        {
            if (!SameTrials(registered, plan))
                throw new ArgumentException($"sweep {sweepId}: a different plan is already registered under this id (grid hash collision or changed planner)");
            return;
        }
        var duplicate = plan.Cells.SelectMany(c => c.SelectionTrials).GroupBy(t => t.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"plan.cells: trial {duplicate.Key} appears {duplicate.Count()} times");
    }

    private static bool SameTrials(SweepPlan a, SweepPlan b) =>
        a.Cells.Count == b.Cells.Count
        && a.Cells.Zip(b.Cells).All(p => p.First.Key == p.Second.Key
            && p.First.SelectionTrials.Select(t => t.Id).SequenceEqual(p.Second.SelectionTrials.Select(t => t.Id))
            && p.First.FinalSeeds.SequenceEqual(p.Second.FinalSeeds));
}
