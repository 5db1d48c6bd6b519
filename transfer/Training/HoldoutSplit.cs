using AftSweep.Transfer.Numerics;
namespace AftSweep.Transfer.Training;

/// <summary>
/// The selection stage's split of the training set (methods.md): a seeded permutation with the fixed split seed
/// (42 by default), independent of the trial seed; the first round-half-up(fraction * N) rows of it are the holdout.
/// Both index lists are sorted, so rows keep dataset order.
/// </summary>
public sealed class HoldoutSplit
{
    private HoldoutSplit(int[] train, int[] holdout)
    {
        Train = train;
        Holdout = holdout;
    }

    public IReadOnlyList<int> Train { get; }
    public IReadOnlyList<int> Holdout { get; }

    public static int HoldoutCount(int rows, double fraction) =>
        (int)Math.Floor(rows * fraction + 0.5);

    public static HoldoutSplit Create(int rows, double fraction, int splitSeed)
    {
        if (double.IsNaN(fraction) || fraction <= 0 || fraction >= 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "holdout fraction must be in (0, 1)");
        var count = HoldoutCount(rows, fraction);
        if (count < 1 || count >= rows)
            throw new ArgumentException($"a holdout fraction of {fraction} of {rows} training rows leaves {count} holdout and {rows - count} training rows; both must be at least 1");
        var permutation = SplitMix64.For(splitSeed, "holdout-split").Permutation(rows);
        var holdout = permutation.Take(count).Select(i => (int)i).Order().ToArray();
        var train = permutation.Skip(count).Select(i => (int)i).Order().ToArray();
        return new HoldoutSplit(train, holdout);
    }
}
