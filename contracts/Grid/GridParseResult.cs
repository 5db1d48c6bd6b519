using System.Diagnostics.CodeAnalysis;

namespace AftSweep.Contracts.Grid;

/// <summary>Either a valid grid or every problem found in it (never both). User mistakes are data here, not exceptions.</summary>
public sealed record GridParseResult
{
    private GridParseResult(GridSpec? spec, IReadOnlyList<GridProblem> problems)
    {
        Spec = spec;
        Problems = problems;
    }

    public GridSpec? Spec { get; }

    /// <summary>In document order; empty when the grid is valid.</summary>
    public IReadOnlyList<GridProblem> Problems { get; }

    [MemberNotNullWhen(true, nameof(Spec))]
    public bool IsValid => Spec is not null;

    public static GridParseResult Valid(GridSpec spec) => new(spec, []);

    public static GridParseResult Invalid(IReadOnlyList<GridProblem> problems) =>
        problems.Count == 0 ? throw new ArgumentException("an invalid result needs at least one problem", nameof(problems)) : new(null, problems);

    public static GridParseResult Invalid(string path, string message) => Invalid([new GridProblem(path, message)]);
}
