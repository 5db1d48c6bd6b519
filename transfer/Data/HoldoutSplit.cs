namespace AftSweep.Transfer.Data;

/// <summary>
/// The lambda-selection holdout: a class-stratified fraction of the train split, drawn with the split seed so every
/// trial of a sweep (and every machine) holds out the same rows. Both index lists are in dataset order.
/// </summary>
public sealed record HoldoutSplit(int[] TrainRows, int[] HoldoutRows)
{
    /// <summary>Stream id that keeps holdout draws independent of the limit draws made with the same seed.</summary>
    private const ulong HoldoutStream = 0x686F6C646F7574UL; // "holdout"

    public static HoldoutSplit Create(IReadOnlyList<int> labels, double holdoutFraction, int splitSeed)
    {
        if (!(holdoutFraction > 0 && holdoutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "must be in (0, 1)");
        // Per class, round(fraction * size) rows go to the holdout (at least one where a class has two or more), so
        // every class is seen both in training and in selection.
        var rng = SplitMix64.ForStream(splitSeed, HoldoutStream);
        var holdout = new List<int>();
        foreach (var group in labels.Select((label, row) => (label, row)).GroupBy(p => p.label).OrderBy(g => g.Key))
        {
            var rows = group.Select(p => p.row).ToArray();
            var take = (int)Math.Round(holdoutFraction * rows.Length, MidpointRounding.AwayFromZero);
            if (rows.Length >= 2) take = Math.Clamp(take, 1, rows.Length - 1);
            else take = 0;
            for (var k = 0; k < take; k++)
            {
                var j = k + rng.NextInt(rows.Length - k);
                (rows[k], rows[j]) = (rows[j], rows[k]);
                holdout.Add(rows[k]);
            }
        }
        holdout.Sort();
        var held = new HashSet<int>(holdout);
        var train = Enumerable.Range(0, labels.Count).Where(r => !held.Contains(r)).ToArray();
        return new HoldoutSplit(train, holdout.ToArray());
    }
}
