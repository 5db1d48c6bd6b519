using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// <c>noise:D[?seed=S]</c>: i.i.d. N(0, 1) features, D wide, a control teacher that carries no information. Row r of
/// a split is a pure function of (seed, split, the row's source index): a <see cref="SplitMix64"/> stream per row
/// feeding Box-Muller pairs, so it is the same on every machine, for every shard boundary, with or without limit.
/// </summary>
public sealed class NoiseTeacher : ITeacher
{
    public NoiseTeacher(string spec, int dim, long seed)
    {
        if (dim <= 0) throw new TeacherException(spec, $"width {dim} must be a positive integer");
        Spec = spec;
        Dim = dim;
        Seed = seed;
        Identity = ModelHash.Identity("noise", $"dim={dim};seed={seed};splitmix64-per-row;box-muller");
    }

    public string Spec { get; }
    public int Dim { get; }
    public long Seed { get; }
    public string Identity { get; }

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var rows = TeacherInputs.Range(dataset, split, startRow, rowCount);
        var data = new float[(long)rowCount * Dim];
        for (var i = 0; i < rowCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Fill(split, rows.SourceRow(startRow + i), data.AsSpan(i * Dim, Dim));
        }
        rowsDone?.Report(rowCount);
        return Task.FromResult(new FeatureMatrix(rowCount, Dim, data));
    }

    /// <summary>The features of source row <paramref name="sourceRow"/> of <paramref name="split"/>.</summary>
    public void Fill(SplitName split, int sourceRow, Span<float> row)
    {
        var rng = SplitMix64.ForStream(Seed, ((ulong)split << 32) | (uint)sourceRow);
        for (var j = 0; j < row.Length; j += 2)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(rng.NextDoubleNonZero()));
            var angle = 2.0 * Math.PI * rng.NextDoubleNonZero();
            row[j] = (float)(radius * Math.Cos(angle));
            if (j + 1 < row.Length) row[j + 1] = (float)(radius * Math.Sin(angle));
        }
    }

    public void Dispose() { }
}
