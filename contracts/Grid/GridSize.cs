using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Grid;

/// <summary>
/// How many cells and trials a grid expands to (grid.md, "Trials a grid expands to"), by arithmetic alone, so the
/// validator can enforce the trial cap without building the plan. The plan (GridPlanner, Protocol) has exactly these counts.
/// </summary>
public sealed record GridSize(IReadOnlyList<MethodSize> Methods)
{
    public int Cells => Methods.Sum(m => m.Cells);
    public long SelectionTrials => Methods.Sum(m => m.SelectionTrials);
    public long FinalTrials => Methods.Sum(m => m.FinalTrials);
    public long TotalTrials => SelectionTrials + FinalTrials;

    public static GridSize Of(GridSpec grid) =>
        Of(grid.Methods.Select(m => (m.Info, m.Lambdas.Count)), grid.Combos.Count, grid.Seeds.Count, grid.Selection.Seeds.Count);

    public static GridSize Of(IEnumerable<(MethodInfo Method, int Lambdas)> methods, int combos, int seeds, int selectionSeeds) =>
        new(methods.Select(m =>
        {
            // stl and scratch ignore teachers: one cell. Every other method: one cell per combo.
            var cells = m.Method.UsesTeachers ? combos : 1;
            var selection = m.Method.IsRegularised ? (long)cells * m.Lambdas * selectionSeeds : 0;
            return new MethodSize(m.Method.Id, cells, m.Method.IsRegularised ? m.Lambdas : 0, selection, (long)cells * seeds);
        }).ToList());
}

/// <summary>One method's share of a grid: cells, lambdas per cell, stage-1 and stage-2 trials.</summary>
public sealed record MethodSize(MethodId Method, int Cells, int Lambdas, long SelectionTrials, long FinalTrials)
{
    public long TotalTrials => SelectionTrials + FinalTrials;
}
