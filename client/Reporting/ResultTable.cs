using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Reporting;

/// <summary>A methods x combos table with its per-column marks already decided.</summary>
public sealed record ResultTable(IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows)
{
    public TableCell? Cell(string method, string combo)
    {
        var row = Rows.FirstOrDefault(r => r.Method == method);
        var column = Columns.ToList().IndexOf(combo);
        return row is null || column < 0 ? null : row.Cells[column];
    }
}

/// <param name="Method">Catalog name.</param>
/// <param name="ComboIndependent">stl and scratch: the same result repeated in every column.</param>
/// <param name="Cells">One per column; null where the method did not run with that combo.</param>
public sealed record TableRow(string Method, bool ComboIndependent, IReadOnlyList<TableCell?> Cells);

/// <summary>One table cell: final test accuracy over seeds and how it compares within its column.</summary>
public sealed record TableCell
{
    public required string Method { get; init; }
    /// <summary>Teacher names joined by '+'; the column's combo for stl and scratch.</summary>
    public required string Combo { get; init; }
    public required int N { get; init; }
    public required int ExpectedSeeds { get; init; }
    /// <summary>Null when no final seed finished.</summary>
    public double? Mean { get; init; }
    /// <summary>Null when no final seed finished; 0 with <see cref="StandardErrorDefined"/> false when n = 1.</summary>
    public double? StandardError { get; init; }
    public bool StandardErrorDefined { get; init; }
    public bool Flagged => N < ExpectedSeeds;
    /// <summary>Highest mean of its column (ties: all of them).</summary>
    public bool Best { get; init; }
    /// <summary>Not best, but the best mean minus this mean is at most the best cell's SE.</summary>
    public bool WithinOneSe { get; init; }
    public double? ChosenLambda { get; init; }
    /// <summary>The chosen lambda (linear-probe: its L2) is an end of a grid of several: "widen the grid".</summary>
    public bool LambdaAtEdge => LambdaEdge is not null;
    /// <summary>"lowest" / "highest", or null when not at an edge.</summary>
    public string? LambdaEdge { get; init; }
    /// <summary>Holdout rows the choice was made on (selection records; linear-probe: its own holdout); null when none.</summary>
    public int? HoldoutRows { get; init; }
    /// <summary>linear-probe: the chosen L2 strength (the first seed's, should seeds differ); null otherwise.</summary>
    public double? ProbeL2 { get; init; }
    public int FailedTrials { get; init; }
    public int UnfinishedTrials { get; init; }
    /// <summary>(err_stl - err) / err_stl in this column; null for stl itself or when undefined.</summary>
    public double? RelativeErrorReductionVsStl { get; init; }
    public IReadOnlyList<SeedAccuracy> Seeds { get; init; } = [];
}
