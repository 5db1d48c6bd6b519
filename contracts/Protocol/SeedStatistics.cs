namespace AftSweep.Contracts.Protocol;

/// <summary>
/// Mean and standard error of one cell's final accuracies over seeds (methods.md, "Hyperparameter selection and
/// reporting"): SE = sample standard deviation (n - 1) / sqrt(n). With one seed the SE is undefined: it is
/// reported as 0 and <see cref="StandardErrorDefined"/> is false, so no output mistakes it for a zero error bar.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SeedStatistics.v1")]
public sealed record SeedStatistics(
    [property: Id(0)] int N,
    [property: Id(1)] double Mean,
    [property: Id(2)] double StandardError,
    [property: Id(3)] bool StandardErrorDefined)
{
    public static SeedStatistics Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("no values: statistics need at least one finished seed", nameof(values));
        }

        if (values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"values must be finite numbers, got [{string.Join(", ", values)}]", nameof(values));
        }

        var n = values.Count;
        var mean = values.Average();
        if (n == 1)
        {
            return new SeedStatistics(1, mean, 0, StandardErrorDefined: false);
        }

        var variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return new SeedStatistics(n, mean, Math.Sqrt(variance) / Math.Sqrt(n), StandardErrorDefined: true);
    }

    /// <summary>The paper's final-stage seed count (methods.md: seeds 0, 1, 2): the expected seeds when nothing says otherwise.</summary>
    public const int MinimumSeeds = 3;

    /// <summary>The same statistics as a live-status summary: defined for zero seeds too, SE null below two.</summary>
    /// <param name="values">One accuracy per finished seed.</param>
    /// <param name="expectedSeeds">Seeds the cell should have (the grid's seed count): fewer finished ones are flagged.</param>
    public static SeedSummary MeanAndStandardError(IReadOnlyCollection<double> values, int expectedSeeds = MinimumSeeds)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedSeeds, 1);
        if (values.Count == 0) return new SeedSummary(0, double.NaN, null, Flagged: true);
        var s = Of(values);
        return new SeedSummary(s.N, s.Mean, s.StandardErrorDefined ? s.StandardError : null, Flagged: s.N < expectedSeeds);
    }
}
