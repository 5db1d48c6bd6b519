namespace AftSweep.Contracts.Protocol;

/// <summary>
/// Where a chosen hyperparameter sits in its grid. A choice at either end of a grid of several values may mean the
/// best value lies outside the grid: reports flag it ("widen the grid").
/// </summary>
public enum LambdaEdge
{
    /// <summary>Inside the grid, or a grid of one value, or nothing chosen.</summary>
    None = 0,
    /// <summary>The smallest value of the grid was chosen.</summary>
    Lowest = 1,
    /// <summary>The largest value of the grid was chosen.</summary>
    Highest = 2,
}

public static class LambdaEdges
{
    /// <param name="chosen">The chosen value (null: nothing chosen).</param>
    /// <param name="grid">Every value the choice was made among (any order; duplicates ignored).</param>
    public static LambdaEdge Of(double? chosen, IEnumerable<double> grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var values = grid.Distinct().Order().ToList();
        if (chosen is not { } value || values.Count < 2) return LambdaEdge.None;
        if (value <= values[0]) return LambdaEdge.Lowest;
        if (value >= values[^1]) return LambdaEdge.Highest;
        return LambdaEdge.None;
    }

    /// <summary>"lowest" / "highest" / null, as outputs write it.</summary>
    public static string? Name(this LambdaEdge edge) => edge switch
    {
        LambdaEdge.Lowest => "lowest",
        LambdaEdge.Highest => "highest",
        _ => null,
    };
}
