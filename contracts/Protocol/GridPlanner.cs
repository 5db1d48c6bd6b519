using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>Expands a validated grid into a <see cref="SweepPlan"/> with content-addressed trial ids.</summary>
public static class GridPlanner
{
    public static SweepPlan Plan(GridSpec grid) => throw new NotImplementedException("being written (issue 2)");

    /// <summary>The stage-2 trial of a cell for a chosen lambda (null for methods without one) and seed, with its id.</summary>
    public static TrialSpec FinalTrial(CellPlan cell, double? lambda, int seed) => throw new NotImplementedException("being written (issue 2)");
}
