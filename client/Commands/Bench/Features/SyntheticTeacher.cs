using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands.Bench.Features;

/// <summary>
/// The benchmark's feature source ("bench:D"): deterministic pseudo-random float32 rows, cheap to compute, so
/// the bench measures the store (encode, hash, write, read, verify), not a model.
/// </summary>
public sealed class SyntheticTeacher(int dim) : ITeacher
{
    public string Spec => $"bench:{Dim}";
    public int Dim { get; } = dim;
    public string Identity => $"aftsweep-bench/1:{Dim}";

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var data = new float[(long)rowCount * Dim];
        for (var r = 0; r < rowCount; r++)
        {
            var z = (ulong)(startRow + r) * 0x9E3779B97F4A7C15UL + 1;
            var row = data.AsSpan(r * Dim, Dim);
            for (var c = 0; c < row.Length; c++)
            {
                z ^= z << 13; z ^= z >> 7; z ^= z << 17; // xorshift64
                row[c] = (int)(z >> 40) * (1f / (1 << 23)) - 1f;
            }
        }
        rowsDone?.Report(rowCount);
        return Task.FromResult(new FeatureMatrix(rowCount, Dim, data));
    }

    public void Dispose() { }
}

/// <summary>Makes <see cref="SyntheticTeacher"/>s for "bench:D".</summary>
public sealed class SyntheticTeacherFactory : ITeacherFactory
{
    public ITeacher Create(string spec, string baseDirectory) =>
        spec.StartsWith("bench:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(6), out var d) && d > 0
            ? new SyntheticTeacher(d)
            : throw new ArgumentException($"the bench teacher factory makes bench:D only (got '{spec}')");
}
