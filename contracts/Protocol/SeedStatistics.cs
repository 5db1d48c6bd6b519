namespace AftSweep.Contracts.Protocol;

/// <summary>Test accuracy of one cell over its finished stage-2 seeds.</summary>
/// <param name="Count">Finished seeds.</param>
/// <param name="Mean">Mean accuracy; NaN when <paramref name="Count"/> is 0.</param>
/// <param name="StandardError">Sample standard deviation (n-1) / sqrt(n); null when fewer than two seeds.</param>
/// <param name="Flagged">Fewer than <see cref="SeedStatistics.MinimumSeeds"/> finished seeds: reported, but marked.</param>
[GenerateSerializer, Immutable, Alias("aftsweep.SeedSummary.v1")]
public sealed record SeedSummary(
    [property: Id(0)] int Count,
    [property: Id(1)] double Mean,
    [property: Id(2)] double? StandardError,
    [property: Id(3)] bool Flagged);

/// <summary>methods.md step 4: mean and standard error over seeds; cells with fewer than three seeds are flagged.</summary>
public static class SeedStatistics
{
    public const int MinimumSeeds = 3;

    public static SeedSummary MeanAndStandardError(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        if (n == 0) return new SeedSummary(0, double.NaN, null, Flagged: true);
        var mean = values.Average();
        double? se = null;
        if (n >= 2)
        {
            var sumSq = values.Sum(v => (v - mean) * (v - mean));
            se = Math.Sqrt(sumSq / (n - 1)) / Math.Sqrt(n);
        }
        return new SeedSummary(n, mean, se, Flagged: n < MinimumSeeds);
    }
}
