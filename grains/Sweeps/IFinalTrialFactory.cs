using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Sweeps;

/// <summary>Makes a cell's stage-2 trials. The default is <see cref="GridPlanner.FinalTrial"/>; a seam so the sweep logic is testable on its own.</summary>
public interface IFinalTrialFactory
{
    TrialSpec Create(CellPlan cell, double? lambda, int seed);
}

public sealed class GridPlannerFinalTrialFactory : IFinalTrialFactory
{
    public TrialSpec Create(CellPlan cell, double? lambda, int seed) => GridPlanner.FinalTrial(cell, lambda, seed);
}
