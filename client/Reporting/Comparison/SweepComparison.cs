namespace AftSweep.Client.Reporting.Comparison;

/// <summary>
/// `results A B ...`: several sweeps side by side. Sweeps of one dataset (and downstream model) share one table,
/// methods as rows and a column group per sweep (its teacher combos); sweeps of different datasets get a section each.
/// Each sweep's own report (<see cref="ComparedSweep.Report"/>) is kept whole for the JSON form.
/// </summary>
public sealed record SweepComparison
{
    public const string ReportKind = "aftsweep.comparison";
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;
    public string Kind { get; init; } = ReportKind;
    public required IReadOnlyList<ComparedSweep> Sweeps { get; init; }
    public required IReadOnlyList<ComparisonSection> Sections { get; init; }

    /// <summary>Compares the reports of the given sources, in the order given; the same sweep twice is an error.</summary>
    public static SweepComparison Build(IReadOnlyList<(string Source, ResultsReport Report)> reports)
    {
        var sweeps = reports.Select(r => new ComparedSweep(string.Join("+", r.Report.SweepIds), r.Source, r.Report)).ToList();
        var twice = sweeps.GroupBy(s => s.SweepId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ReportInputException($"sweep {twice.Key} is given twice ({string.Join(", ", twice.Select(s => $"'{s.Source}'"))}): compare different sweeps");
        var sections = sweeps
            .SelectMany(s => s.Report.Datasets.Select(d => (Sweep: s, Dataset: d)))
            .GroupBy(x => (x.Dataset.Dataset, x.Dataset.Downstream))
            .Select(g => Section(g.Key.Dataset, g.Key.Downstream, g.First().Dataset.Title, g.ToList()))
            .ToList();
        return new SweepComparison { Sweeps = sweeps, Sections = sections };
    }

    private static ComparisonSection Section(string dataset, string downstream, string title, IReadOnlyList<(ComparedSweep Sweep, DatasetReport Dataset)> members)
    {
        var groups = members.Select(m => new ColumnGroup(m.Sweep.SweepId, m.Dataset.Main.Columns)).ToList();
        // Methods in the order the sweeps list them (catalog order within each), each once.
        var methods = members.SelectMany(m => m.Dataset.Main.Rows.Select(r => r.Method)).Distinct(StringComparer.Ordinal).ToList();
        var rows = methods.Select(method => new ComparisonTableRow(method,
            members.SelectMany(m => m.Dataset.Main.Columns.Select(combo => m.Dataset.Main.Cell(method, combo) is { } cell
                ? new ComparedCell(m.Sweep.SweepId, combo, cell.N, cell.Mean, cell.StandardErrorDefined ? cell.StandardError : null, cell.ChosenLambda, CellText.Value(cell))
                : new ComparedCell(m.Sweep.SweepId, combo, 0, null, null, null, "–"))).ToList())).ToList();
        return new ComparisonSection(dataset, downstream, title, groups, rows);
    }
}

/// <param name="SweepId">The sweep's full id.</param>
/// <param name="Source">What the user named to read it (a folder or a sweep id).</param>
public sealed record ComparedSweep(string SweepId, string Source, ResultsReport Report);

/// <summary>One dataset and downstream model: one table over every sweep that ran it.</summary>
public sealed record ComparisonSection(string Dataset, string Downstream, string Title, IReadOnlyList<ColumnGroup> Groups, IReadOnlyList<ComparisonTableRow> Rows);

/// <summary>A sweep's columns: its teacher combos, as in its own main table.</summary>
public sealed record ColumnGroup(string SweepId, IReadOnlyList<string> Combos);

/// <summary>A method's cells, group by group, combo by combo (a dash where the method did not run).</summary>
public sealed record ComparisonTableRow(string Method, IReadOnlyList<ComparedCell> Cells);

/// <summary>Final test accuracy over seeds (fractions), as in the sweep's own table; Text as the human formats print it.</summary>
public sealed record ComparedCell(string SweepId, string Combo, int N, double? Mean, double? StandardError, double? ChosenLambda, string Text);
