using MathNet.Numerics.Distributions;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// The mean over seeds of (method - baseline) test accuracy, paired by seed (every method trains with the same seeds
/// and data order), with a 95% Student-t interval over the per-seed differences:
/// mean +- t(0.975, n - 1) * sd(n - 1) / sqrt(n). With fewer than two common seeds there is no interval (null), and
/// nothing is resolved. A claim is <see cref="Resolved"/> only when the interval excludes 0.
/// </summary>
/// <param name="Seeds">Seeds both sides finished, ascending.</param>
/// <param name="MeanDifference">Null when no seed is common to both sides.</param>
/// <param name="StandardError">sd / sqrt(n) of the differences; null below two seeds.</param>
/// <param name="Low">Lower end of the 95% interval; null below two seeds.</param>
/// <param name="High">Upper end of the 95% interval; null below two seeds.</param>
[GenerateSerializer, Immutable, Alias("aftsweep.PairedDifference.v1")]
public sealed record PairedDifference(
    [property: Id(0)] IReadOnlyList<int> Seeds,
    [property: Id(1)] double? MeanDifference,
    [property: Id(2)] double? StandardError,
    [property: Id(3)] double? Low,
    [property: Id(4)] double? High)
{
    public const double Confidence = 0.95;

    public int N => Seeds.Count;
    public bool IntervalDefined => Low is not null && High is not null;
    /// <summary>The interval lies entirely above or entirely below 0.</summary>
    public bool Resolved => IntervalDefined && (Low > 0 || High < 0);

    /// <summary>Pairs <paramref name="method"/> and <paramref name="baseline"/> by seed (seeds only one side has are left out).</summary>
    public static PairedDifference Of(IEnumerable<SeedAccuracy> method, IEnumerable<SeedAccuracy> baseline)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(baseline);
        var theirs = Unique(baseline, nameof(baseline));
        var pairs = Unique(method, nameof(method))
            .Where(kv => theirs.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key)
            .Select(kv => (Seed: kv.Key, Difference: kv.Value - theirs[kv.Key]))
            .ToList();
        return FromDifferences(pairs.Select(p => p.Seed).ToList(), pairs.Select(p => p.Difference).ToList());
    }

    /// <summary>The interval of already paired differences, one per seed in <paramref name="seeds"/>.</summary>
    public static PairedDifference FromDifferences(IReadOnlyList<int> seeds, IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(differences);
        if (seeds.Count != differences.Count)
            throw new ArgumentException($"{seeds.Count} seeds for {differences.Count} differences");
        if (differences.Any(d => !double.IsFinite(d)))
            throw new ArgumentException($"differences must be finite, got [{string.Join(", ", differences)}]", nameof(differences));
        var n = differences.Count;
        if (n == 0) return new PairedDifference(seeds, null, null, null, null);
        var mean = differences.Average();
        if (n == 1) return new PairedDifference(seeds, mean, null, null, null);
        var sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        var se = sd / Math.Sqrt(n);
        var half = TQuantile(n - 1) * se;
        return new PairedDifference(seeds, mean, se, mean - half, mean + half);
    }

    /// <summary>t(0.975) with <paramref name="degreesOfFreedom"/> degrees of freedom (12.706 for 1, 4.303 for 2, ...).</summary>
    public static double TQuantile(int degreesOfFreedom) =>
        StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - (1 - Confidence) / 2);

    private static Dictionary<int, double> Unique(IEnumerable<SeedAccuracy> side, string name)
    {
        var bySeed = new Dictionary<int, double>();
        foreach (var s in side)
        {
            if (!bySeed.TryAdd(s.Seed, s.Accuracy))
                throw new ArgumentException($"seed {s.Seed} appears twice", name);
        }
        return bySeed;
    }
}
