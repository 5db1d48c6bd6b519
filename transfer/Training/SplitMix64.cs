namespace AftSweep.Transfer.Training;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fully specified generator, so shuffles and splits are the same on
/// every machine and runtime (System.Random's algorithm is unspecified and has changed between .NET versions).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A stream for (<paramref name="seed"/>, <paramref name="purpose"/>), so the trial seed's shuffling
    /// stream and the split seed's stream never coincide even when the numbers do.</summary>
    public static SplitMix64 For(long seed, string purpose)
    {
        var h = 14695981039346656037UL; // FNV-1a over the purpose, mixed with the seed
        foreach (var c in purpose) h = (h ^ c) * 1099511628211UL;
        var mixer = new SplitMix64(h ^ (ulong)seed);
        return new SplitMix64(mixer.NextUInt64());
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias (rejection sampling).</summary>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return x % bound;
    }

    /// <summary>Fisher-Yates shuffle of 0..n-1.</summary>
    public long[] Permutation(int n)
    {
        var p = new long[n];
        for (var i = 0; i < n; i++) p[i] = i;
        Shuffle(p);
        return p;
    }

    public void Shuffle(long[] values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = (int)NextBelow((ulong)i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
