namespace AftSweep.Client.Reporting;

/// <summary>
/// Every table of a sweep, computed once and rendered by each format writer. Its JSON form (camelCase,
/// <see cref="Schema"/> 2) is the stable schema scripts read; accuracies are fractions in [0, 1].
/// Schema 2 added the paired comparisons, the linear probe's rows and the lambda edge and holdout size per cell.
/// </summary>
public sealed record ResultsReport
{
    public const int CurrentSchema = 2;
    public const string ReportKind = "aftsweep.results";

    public int Schema { get; init; } = CurrentSchema;
    public string Kind { get; init; } = ReportKind;
    public required IReadOnlyList<string> SweepIds { get; init; }
    public required IReadOnlyList<DatasetReport> Datasets { get; init; }
}

/// <summary>The tables of one dataset and downstream model.</summary>
public sealed record DatasetReport
{
    public required string Dataset { get; init; }
    public required string Downstream { get; init; }
    public required string Title { get; init; }
    public required int ExpectedSeeds { get; init; }
    /// <summary>The downstream model has no pre-trained weights, so stl and scratch train the same thing.</summary>
    public required bool StlEqualsScratch { get; init; }
    /// <summary>Methods (rows, catalog order) x teacher combos (columns); stl and scratch repeated in every column.</summary>
    public required ResultTable Main { get; init; }
    /// <summary>aft and its ablations only; null when no ablation ran.</summary>
    public ResultTable? Ablation { get; init; }
    public required IReadOnlyList<LambdaRow> Lambdas { get; init; }
    /// <summary>aft - stl, aft - kd, aft - the best other baseline and aft - each ablation, per combo, paired by seed.</summary>
    public required IReadOnlyList<ComparisonRow> Comparisons { get; init; }
    /// <summary>The linear probe's accuracy and L2 choice per combo (empty when linear-probe did not run).</summary>
    public required IReadOnlyList<ProbeRow> LinearProbe { get; init; }
    public required IReadOnlyList<ErrorReductionRow> ErrorReductions { get; init; }
    public required IReadOnlyList<RhoRow> Rho { get; init; }
    public required IReadOnlyList<FailureRow> Failures { get; init; }
    /// <summary>Sentences every format prints under the tables (stl = scratch, missing seeds, warnings).</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
