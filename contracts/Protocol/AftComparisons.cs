using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// The paired comparisons of one dataset's table (methods.md, "Paper outputs"): for every combo column where aft has
/// finished seeds, aft - stl, aft - kd, aft - the best other baseline (the non-AFT method, ablations excluded, with the
/// highest mean in that column, stl and scratch included; ties go to the first in catalog order), and aft - each
/// ablation. A comparison is listed whenever both cells exist, even with fewer than two common seeds (then it has
/// no interval). Pure and ordered: columns in table order, then stl, kd, best other, ablations in catalog order.
/// </summary>
public static class AftComparisons
{
    public static IReadOnlyList<PairedComparison> Of(IReadOnlyList<CellSummary> cells, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(columns);
        var comparisons = new List<PairedComparison>();
        foreach (var column in columns)
        {
            var inColumn = cells.Where(c => c.Combo.Count == 0 || c.ComboKey == column).ToList();
            var aft = inColumn.FirstOrDefault(c => c.Method == MethodId.Aft && c.Combo.Count > 0);
            if (aft is null || aft.N == 0) continue;

            void Add(CellSummary? baseline, BaselineRole role)
            {
                if (baseline is null || baseline.N == 0) return;
                comparisons.Add(new PairedComparison
                {
                    Combo = column,
                    Method = MethodId.Aft,
                    Baseline = baseline.Method,
                    Role = role,
                    Difference = PairedDifference.Of(aft.FinalAccuracies, baseline.FinalAccuracies),
                });
            }

            Add(inColumn.FirstOrDefault(c => c.Method == MethodId.Stl), BaselineRole.Stl);
            Add(inColumn.FirstOrDefault(c => c.Method == MethodId.Kd), BaselineRole.Kd);
            Add(BestOther(inColumn), BaselineRole.BestOther);
            foreach (var ablation in inColumn.Where(c => c.Info.IsAftAblation).OrderBy(c => MethodCatalog.IndexOf(c.Method)))
                Add(ablation, BaselineRole.Ablation);
        }
        return comparisons;
    }

    /// <summary>The highest-mean finished cell of a column among the non-AFT methods; null when there is none.</summary>
    public static CellSummary? BestOther(IEnumerable<CellSummary> column) =>
        column
            .Where(c => c.Method != MethodId.Aft && !c.Info.IsAftAblation && c.Statistics is not null)
            .OrderByDescending(c => c.Statistics!.Mean)
            .ThenBy(c => MethodCatalog.IndexOf(c.Method))
            .FirstOrDefault();
}
