using System.Globalization;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Commands.Plan;

/// <summary>The human form of a plan: a header, the per-method table and the cells (Spectre tables).</summary>
public static class PlanTable
{
    public static void Write(SweepPlan plan, TextWriter w)
    {
        var grid = plan.Grid;
        w.WriteLine($"sweep {plan.SweepId}  grid '{grid.Name}'");
        w.WriteLine($"dataset '{grid.Dataset.Name}' fingerprint {plan.DatasetFingerprint[..16]}  downstream {grid.Downstream.Model}");
        w.WriteLine($"cells {plan.Cells.Count}   stage 1 (selection) {plan.SelectionTrialCount} trials   stage 2 (final) {plan.FinalTrialCount} trials   total {plan.TotalTrialCount}");
        var methods = ConsoleTables.Create().Left("method").Right("cells").Left("lambdas").Right("stage 1", "stage 2", "total");
        foreach (var r in PlanMethodRow.Of(plan))
        {
            var lambdas = r.Lambdas.Count == 0 ? "-" : string.Join(",", r.Lambdas.Select(l => l.ToString("R", CultureInfo.InvariantCulture)));
            methods.Row(r.Method, N(r.Cells), lambdas, N(r.SelectionTrials), N(r.FinalTrials), N(r.TotalTrials));
        }
        methods.Row("total", N(plan.Cells.Count), "", N(plan.SelectionTrialCount), N(plan.FinalTrialCount), N(plan.TotalTrialCount));
        var cells = ConsoleTables.Create().Left("cell (method|combo)").Right("stage 1 trials", "stage 2 trials");
        foreach (var cell in plan.Cells) cells.Row(cell.Key, N(cell.SelectionTrials.Count), N(cell.FinalSeeds.Count));
        ConsoleTables.Write(w, methods, cells);
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
