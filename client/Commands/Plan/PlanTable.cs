using System.Globalization;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Commands.Plan;

/// <summary>The human form of a plan: a header, a per-method table and the cells.</summary>
public static class PlanTable
{
    public static void Write(SweepPlan plan, TextWriter w)
    {
        var grid = plan.Grid;
        w.WriteLine($"sweep {plan.SweepId}  grid '{grid.Name}'");
        w.WriteLine($"dataset '{grid.Dataset.Name}' fingerprint {plan.DatasetFingerprint[..16]}  downstream {grid.Downstream.Model}");
        w.WriteLine($"cells {plan.Cells.Count}   stage 1 (selection) {plan.SelectionTrialCount} trials   stage 2 (final) {plan.FinalTrialCount} trials   total {plan.TotalTrialCount}");
        w.WriteLine();
        var rows = PlanMethodRow.Of(plan);
        var width = Math.Max("method".Length, rows.Max(r => r.Method.Length));
        w.WriteLine($"{"method".PadRight(width)}  {"cells",5}  {"lambdas",-20}  {"stage 1",7}  {"stage 2",7}  {"total",7}");
        foreach (var r in rows)
        {
            var lambdas = r.Lambdas.Count == 0 ? "-" : string.Join(",", r.Lambdas.Select(l => l.ToString("R", CultureInfo.InvariantCulture)));
            w.WriteLine($"{r.Method.PadRight(width)}  {r.Cells,5}  {lambdas,-20}  {r.SelectionTrials,7}  {r.FinalTrials,7}  {r.TotalTrials,7}");
        }
        w.WriteLine($"{"total".PadRight(width)}  {plan.Cells.Count,5}  {"",-20}  {plan.SelectionTrialCount,7}  {plan.FinalTrialCount,7}  {plan.TotalTrialCount,7}");
        w.WriteLine();
        w.WriteLine("cells (method|combo: stage 1 + stage 2 trials):");
        foreach (var cell in plan.Cells)
            w.WriteLine($"  {cell.Key}: {cell.SelectionTrials.Count} + {cell.FinalSeeds.Count}");
    }
}
