using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Reporting;

/// <summary>Builds every table of <see cref="ResultsReport"/> from an aggregated sweep (methods.md, "Paper outputs").</summary>
public static class ResultsReportBuilder
{
    /// <summary>The single column of a dataset whose records hold only stl/scratch.</summary>
    public const string NoTeacherColumn = "(no teacher)";

    public static ResultsReport Build(SweepSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.Datasets.Count == 0)
        {
            throw new ReportInputException("no trial records: nothing to report");
        }

        return new ResultsReport
        {
            SweepIds = summary.SweepIds,
            Datasets = summary.Datasets.Select(BuildDataset).ToList(),
        };
    }

    private static DatasetReport BuildDataset(DatasetSummary dataset)
    {
        var columns = dataset.Combos.Select(c => string.Join("+", c.Select(t => t.Name))).ToList();
        if (columns.Count == 0)
        {
            columns.Add(NoTeacherColumn);
        }

        var stl = dataset.Cells.FirstOrDefault(c => c.Method == MethodId.Stl);
        var main = BuildTable(dataset.Cells, columns, stl);
        var ablationCells = dataset.Cells.Where(c => c.Method == MethodId.Aft || c.Info.IsAftAblation).ToList();
        var ablation = ablationCells.Any(c => c.Info.IsAftAblation) ? BuildTable(ablationCells, columns, stl) : null;

        return new DatasetReport
        {
            Dataset = dataset.Dataset,
            Downstream = dataset.Downstream.Model,
            Title = dataset.Title,
            ExpectedSeeds = dataset.ExpectedSeeds,
            StlEqualsScratch = dataset.StlEqualsScratch,
            Main = main,
            Ablation = ablation,
            Lambdas = dataset.Cells.Where(c => c.Info.IsRegularised).Select(LambdaRowOf).ToList(),
            Comparisons = dataset.Comparisons.Select(ComparisonRowOf).ToList(),
            LinearProbe = dataset.Cells.Where(c => c.Method == MethodId.LinearProbe).Select(ProbeRowOf).ToList(),
            RhoWeightedProbe = RhoWeightedProbeRows(dataset.Cells),
            ErrorReductions = ErrorReductions(main, stl),
            Rho = dataset.Cells.SelectMany(c => c.RhoByTeacher.Select(t =>
                new RhoRow(c.Info.Name, c.ComboKey, t.Teacher, t.Spec, t.Width, t.MeanSum, t.MeanRho, t.Seeds, t.IsNoise))).ToList(),
            Failures = dataset.Cells.SelectMany(c => c.FailedTrials.Select(f =>
                new FailureRow(c.Info.Name, c.ComboKey, f.TrialId, f.Stage.ToString().ToLowerInvariant(), f.Lambda, f.Seed, f.Attempts, f.LastError))).ToList(),
            Notes = Notes(dataset, stl),
        };
    }

    private static ResultTable BuildTable(IReadOnlyList<CellSummary> cells, IReadOnlyList<string> columns, CellSummary? stl)
    {
        var methods = cells.Select(c => c.Method).Distinct().ToList();
        var grid = methods.Select(m => columns.Select(column =>
        {
            var cell = cells.FirstOrDefault(c => c.Method == m && (c.Combo.Count == 0 || c.ComboKey == column));
            return cell is null ? null : CellOf(cell, column, stl);
        }).ToArray()).ToList();

        for (var col = 0; col < columns.Count; col++)
        {
            var column = grid.Select(row => (row[col]?.Mean, row[col]?.StandardError ?? 0)).ToList();
            var marks = ColumnMarks.Mark(column);
            for (var row = 0; row < grid.Count; row++)
            {
                if (grid[row][col] is { } cell)
                {
                    grid[row][col] = cell with { Best = marks[row].Best, WithinOneSe = marks[row].WithinOneSe };
                }
            }
        }

        return new ResultTable(columns, methods.Select((m, i) =>
            new TableRow(m.NameOf(), !MethodCatalog.Get(m).UsesTeachers, grid[i])).ToList());
    }

    private static TableCell CellOf(CellSummary cell, string column, CellSummary? stl)
    {
        var mean = cell.Statistics?.Mean;
        double? reduction = null;
        if (cell.Method != MethodId.Stl && mean is { } m && stl?.Statistics is { } s)
        {
            reduction = RelativeErrorReduction.Of(s.Mean, m);
        }

        return new TableCell
        {
            Method = cell.Info.Name,
            Combo = column,
            N = cell.N,
            ExpectedSeeds = cell.ExpectedSeeds,
            Mean = mean,
            StandardError = cell.Statistics?.StandardError,
            StandardErrorDefined = cell.Statistics?.StandardErrorDefined ?? false,
            ChosenLambda = cell.ChosenLambda,
            LambdaEdge = cell.LambdaEdge.Name(),
            HoldoutRows = cell.Probe?.HoldoutRows ?? cell.HoldoutRows,
            ProbeL2 = cell.Probe?.ChosenL2.FirstOrDefault(),
            FailedTrials = cell.FailedTrials.Count,
            UnfinishedTrials = cell.UnfinishedTrials,
            RelativeErrorReductionVsStl = reduction,
            Seeds = cell.FinalAccuracies,
        };
    }

    private static LambdaRow LambdaRowOf(CellSummary cell) => new(
        cell.Info.Name,
        cell.ComboKey,
        cell.ChosenLambda,
        cell.Selection?.Scores.Select(s => new LambdaScoreRow(s.Lambda, s.MeanHoldoutAccuracy, s.HoldoutAccuracies.Count)).ToList() ?? [],
        cell.Warnings,
        cell.LambdaEdge.Name(),
        cell.HoldoutRows);

    private static ComparisonRow ComparisonRowOf(PairedComparison comparison) =>
        RowOf(comparison.Combo, comparison.Method.NameOf(), comparison.Baseline.NameOf(), RoleName(comparison.Role), comparison.Difference);

    private static ComparisonRow RowOf(string combo, string method, string baseline, string role, PairedDifference d) =>
        new(combo, method, baseline, role, d.N, d.Seeds, d.MeanDifference, d.StandardError, d.Low, d.High, d.IntervalDefined, d.Resolved);

    public static string RoleName(BaselineRole role) => role switch
    {
        BaselineRole.Stl => "stl",
        BaselineRole.Kd => "kd",
        BaselineRole.BestOther => "best-other",
        BaselineRole.Ablation => "ablation",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    private static List<RhoWeightedProbeRow> RhoWeightedProbeRows(IReadOnlyList<CellSummary> cells) =>
        cells.Where(c => c.RhoWeightedProbeAccuracies.Count > 0).Select(cell =>
        {
            var statistics = SeedStatistics.Of(cell.RhoWeightedProbeAccuracies.Select(a => a.Accuracy).ToList());
            var raw = cells.FirstOrDefault(c => c.Method == MethodId.LinearProbe && c.ComboKey == cell.ComboKey && c.N > 0);
            ComparisonRow? difference = null;
            if (raw is not null)
            {
                difference = RowOf(cell.ComboKey, $"{cell.Info.Name} rho-weighted probe", "linear-probe", "raw-features",
                    PairedDifference.Of(cell.RhoWeightedProbeAccuracies, raw.FinalAccuracies));
            }
            return new RhoWeightedProbeRow(cell.Info.Name, cell.ComboKey, statistics.N, statistics.Mean,
                statistics.StandardErrorDefined ? statistics.StandardError : null, raw?.Statistics?.Mean, difference);
        }).ToList();

    private static ProbeRow ProbeRowOf(CellSummary cell) => new(
        cell.ComboKey,
        cell.Statistics?.Mean,
        cell.Statistics is { StandardErrorDefined: true } s ? s.StandardError : null,
        cell.N,
        cell.Probe?.ChosenL2 ?? [],
        cell.Probe?.Grid ?? [],
        cell.Probe?.Edge.Name(),
        cell.Probe?.HoldoutRows,
        cell.Probe?.ConvergedSeeds,
        cell.Probe?.MaxIterations);

    /// <summary>Per method, the column-wise reductions vs stl and their plain average (the paper's summary number).</summary>
    private static List<ErrorReductionRow> ErrorReductions(ResultTable main, CellSummary? stl)
    {
        if (stl?.Statistics is null)
        {
            return [];
        }

        return main.Rows
            .Where(r => r.Method != MethodCatalog.Get(MethodId.Stl).Name)
            .Select(r =>
            {
                var perCombo = r.Cells
                    .Where(c => c?.RelativeErrorReductionVsStl is not null)
                    .Select(c => new ComboValue(c!.Combo, c.RelativeErrorReductionVsStl!.Value))
                    .ToList();
                return new ErrorReductionRow(r.Method, perCombo.Count == 0 ? null : perCombo.Average(v => v.Value), perCombo);
            })
            .ToList();
    }

    private static List<string> Notes(DatasetSummary dataset, CellSummary? stl)
    {
        var notes = new List<string>();
        var hasStlAndScratch = stl is not null && dataset.Cells.Any(c => c.Method == MethodId.Scratch);
        if (dataset.StlEqualsScratch && (stl is not null || hasStlAndScratch))
        {
            notes.Add($"stl and scratch coincide: downstream model '{dataset.Downstream.Model}' has no pre-trained weights (init null), so stl also trains from random initialisation.");
        }

        if (dataset.Combos.Count == 0)
        {
            notes.Add("no teacher combo in the records: only the no-teacher baselines are shown, in one column.");
        }

        foreach (var cell in dataset.Cells.Where(c => c.Flagged))
        {
            var why = cell.FailedTrials.Count > 0 ? $"{cell.FailedTrials.Count} failed trial(s)" : cell.UnfinishedTrials > 0 ? $"{cell.UnfinishedTrials} unfinished trial(s)" : "no record of the missing seeds";
            notes.Add($"{cell.Info.Name}|{Combo(cell)}: {cell.N} of {cell.ExpectedSeeds} seeds finished ({why}).");
        }

        foreach (var cell in dataset.Cells)
        {
            notes.AddRange(cell.Warnings.Select(w => $"{cell.Info.Name}|{Combo(cell)}: {w}"));
        }

        var atEdge = dataset.Cells.Where(c => c.LambdaEdge != LambdaEdge.None).ToList();
        if (atEdge.Count > 0)
        {
            notes.Add("chosen at an end of its grid, so the best value may lie outside it (widen the grid): " +
                      string.Join(", ", atEdge.Select(c => c.Probe is { } probe
                          ? $"{c.Info.Name}|{Combo(c)} L2 {CellText.Lambda(probe.ChosenL2[0])} ({c.LambdaEdge.Name()} of {string.Join(", ", probe.Grid.Select(l => CellText.Lambda(l)))})"
                          : $"{c.Info.Name}|{Combo(c)} lambda {CellText.Lambda(c.ChosenLambda!.Value)} ({c.LambdaEdge.Name()} of {string.Join(", ", c.LambdaGrid.Select(l => CellText.Lambda(l)))})")) + ".");
        }

        foreach (var cell in dataset.Cells.Where(c => c.Probe is { } p && p.ConvergedSeeds < p.Seeds))
        {
            notes.Add($"{cell.Info.Name}|{Combo(cell)}: the logistic regression did not converge for {cell.Probe!.Seeds - cell.Probe.ConvergedSeeds} of {cell.Probe.Seeds} seeds (iteration cap or line search; see the records' result.probe.stop).");
        }

        if (dataset.Comparisons.Count > 0 && dataset.Comparisons.All(c => !c.Difference.IntervalDefined))
        {
            notes.Add("paired comparisons: fewer than two seeds are common to aft and its baselines, so no interval can be computed and nothing is resolved; run more seeds.");
        }

        if (stl?.Statistics is null)
        {
            notes.Add("no finished stl trial: relative error reduction vs stl is not computed.");
        }

        return notes;
    }

    private static string Combo(CellSummary cell) => cell.Combo.Count == 0 ? "(no teacher)" : cell.ComboKey;
}
