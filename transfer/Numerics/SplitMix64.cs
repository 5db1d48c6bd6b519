namespace AftSweep.Transfer.Numerics;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014; the seeding generator of xoshiro, prng.di.unimi.it): a tiny, fully
/// specified PRNG, so every seeded draw (limit subsets, holdout splits, epoch shuffles, noise features) is identical
/// on every machine and .NET version, unlike <see cref="Random"/>, whose algorithm is an implementation detail.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one numbered stream of a seed (e.g. the train split's limit), independent of the others.</summary>
    public static SplitMix64 ForStream(long seed, ulong stream) => new(Mix((ulong)seed ^ Mix(stream + 0x9E3779B97F4A7C15UL)));

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
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be positive");
        var b = (ulong)bound;
        var threshold = (0UL - b) % b;
        while (true)
        {
            var x = NextUInt64();
            var product = Math.BigMul(x, b, out var low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>Uniform double in (0, 1]: never 0, so it is safe under a logarithm.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

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
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>The SplitMix64 output function (a strong 64-bit mixer).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
