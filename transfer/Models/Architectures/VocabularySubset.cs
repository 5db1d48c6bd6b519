namespace AftSweep.Transfer.Models.Architectures;

/// <summary>The token ids some encoded rows use, and their compact renumbering. Ids 0 to the pad id are always
/// kept, so the pad keeps its id (embedding tables that treat the pad row specially need not change).</summary>
public sealed class VocabularySubset
{
    private readonly Dictionary<int, int> _compact;

    private VocabularySubset(long[] ids)
    {
        Ids = ids;
        _compact = new Dictionary<int, int>(ids.Length);
        for (var k = 0; k < ids.Length; k++) _compact[(int)ids[k]] = k;
    }

    /// <summary>The original ids kept, ascending.</summary>
    public long[] Ids { get; }

    public static VocabularySubset Of(IEnumerable<int[][]> encoded, int padId)
    {
        var used = new SortedSet<int>(Enumerable.Range(0, padId + 1));
        foreach (var rows in encoded)
            foreach (var row in rows)
                foreach (var id in row) used.Add(id);
        return new VocabularySubset(used.Select(i => (long)i).ToArray());
    }

    public int Compact(int id) => _compact.TryGetValue(id, out var k) ? k
        : throw new ArgumentException($"token id {id} is not in the vocabulary subset");
}
