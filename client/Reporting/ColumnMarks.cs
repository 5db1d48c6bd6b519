namespace AftSweep.Client.Reporting;

/// <summary>
/// The marks of one table column: the best mean (bold; all of them on an exact tie) and the cells within one
/// standard error of it, meaning best mean - cell mean &lt;= SE of the best cell (the largest SE among tied best
/// cells). A best cell with one seed has no SE, so nothing is marked as within it.
/// </summary>
public static class ColumnMarks
{
    private const double Tolerance = 1e-12;

    public static IReadOnlyList<(bool Best, bool WithinOneSe)> Mark(IReadOnlyList<(double? Mean, double StandardError)> column)
    {
        var marks = new (bool, bool)[column.Count];
        var means = column.Where(c => c.Mean.HasValue).ToList();
        if (means.Count == 0)
        {
            return marks;
        }

        var best = means.Max(c => c.Mean!.Value);
        var bestSe = means.Where(c => c.Mean!.Value >= best - Tolerance).Max(c => c.StandardError);
        for (var i = 0; i < column.Count; i++)
        {
            if (column[i].Mean is not { } mean)
            {
                continue;
            }

            var isBest = mean >= best - Tolerance;
            marks[i] = (isBest, !isBest && best - mean <= bestSe + Tolerance);
        }

        return marks;
    }
}
