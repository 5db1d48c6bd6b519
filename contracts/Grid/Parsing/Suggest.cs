namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>"did you mean" hints: the closest known word by edit distance, when it is close enough to be a typo.</summary>
public static class Suggest
{
    /// <summary>"; did you mean 'x'?" or "" when nothing is close.</summary>
    public static string DidYouMean(string actual, IEnumerable<string> known)
    {
        var best = Closest(actual, known);
        return best is null ? "" : $"; did you mean '{best}'?";
    }

    public static string? Closest(string actual, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var d = string.Equals(candidate, actual, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(actual, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        // A third of the word (at least 1, at most 3) covers typos without suggesting unrelated names.
        var threshold = Math.Clamp(actual.Length / 3, 1, 3);
        return bestDistance <= threshold ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
