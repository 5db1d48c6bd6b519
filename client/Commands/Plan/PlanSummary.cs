using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Commands.Plan;

/// <summary>Per-method counts of a built plan (what both the table and the JSON show).</summary>
public sealed record PlanMethodRow(string Method, int Cells, IReadOnlyList<double> Lambdas, int SelectionTrials, int FinalTrials)
{
    public int TotalTrials => SelectionTrials + FinalTrials;

    public static IReadOnlyList<PlanMethodRow> Of(SweepPlan plan) =>
        plan.Grid.Methods.Select(m =>
        {
            var cells = plan.Cells.Where(c => c.Method == m.Method).ToList();
            return new PlanMethodRow(m.Method.NameOf(), cells.Count, m.Lambdas,
                cells.Sum(c => c.SelectionTrials.Count), cells.Sum(c => c.FinalSeeds.Count));
        }).ToList();
}
