using AftSweep.Transfer.Numerics;
namespace AftSweep.Transfer.Data;

/// <summary>
/// The <c>limit</c> rule: a subset of <c>limit</c> rows with classes as equal as the data allows, drawn with a
/// seeded <see cref="SplitMix64"/>, returned in dataset order (ascending row index).
/// </summary>
public static class ClassBalancedSubset
{
    /// <summary>Row indices of the subset; all rows when <paramref name="limit"/> is at least the row count.</summary>
    public static int[] Select(IReadOnlyList<int> labels, int limit, SplitMix64 rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit >= labels.Count) return Enumerable.Range(0, labels.Count).ToArray();

        var byClass = labels.Select((label, row) => (label, row))
            .GroupBy(p => p.label).OrderBy(g => g.Key)
            .Select(g => g.Select(p => p.row).ToArray()).ToArray();
        var quota = Quotas(byClass.Select(rows => rows.Length).ToArray(), limit, ref rng);

        var chosen = new List<int>(limit);
        for (var c = 0; c < byClass.Length; c++)
        {
            // Partial Fisher-Yates: the first quota[c] slots become a uniform sample without replacement.
            var rows = (int[])byClass[c].Clone();
            for (var k = 0; k < quota[c]; k++)
            {
                var j = k + rng.NextInt(rows.Length - k);
                (rows[k], rows[j]) = (rows[j], rows[k]);
                chosen.Add(rows[k]);
            }
        }
        chosen.Sort();
        return chosen.ToArray();
    }

    /// <summary>
    /// Water-filling: each round gives every class with rows left an equal share; classes that run out pass their
    /// share on. The last few rows that do not divide evenly go to classes picked at random (not always class 0).
    /// </summary>
    private static int[] Quotas(int[] sizes, int limit, ref SplitMix64 rng)
    {
        var quota = new int[sizes.Length];
        var remaining = limit;
        while (remaining > 0)
        {
            var open = Enumerable.Range(0, sizes.Length).Where(c => quota[c] < sizes[c]).ToArray();
            if (open.Length == 0) break;
            var share = remaining / open.Length;
            if (share == 0)
            {
                for (var k = 0; k < remaining; k++)
                {
                    var j = k + rng.NextInt(open.Length - k);
                    (open[k], open[j]) = (open[j], open[k]);
                    quota[open[k]]++;
                }
                break;
            }
            foreach (var c in open)
            {
                var take = Math.Min(share, sizes[c] - quota[c]);
                quota[c] += take;
                remaining -= take;
            }
        }
        return quota;
    }
}
