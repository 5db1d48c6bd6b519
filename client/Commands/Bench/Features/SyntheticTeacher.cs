using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands.Bench.Features;

/// <summary>
/// The benchmark's feature source (spec "noise:D", so it parses like any teacher): deterministic pseudo-random
/// float32 rows, cheap to compute, so the bench measures the store (encode, hash, write, read, verify), not a model.
/// Its identity differs from the real noise teacher's, so the store never takes one's manifest for the other's.
/// </summary>
public sealed class SyntheticTeacher(int dim) : ITeacher
{
    public string Spec => $"noise:{Dim}";
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

/// <summary>Makes <see cref="SyntheticTeacher"/>s for "noise:D".</summary>
public sealed class SyntheticTeacherFactory : ITeacherFactory
{
    public ITeacher Create(TeacherSpec spec) =>
        spec is { Kind: TeacherKind.Noise, Dim: { } d }
            ? new SyntheticTeacher(d)
            : throw new ArgumentException($"the bench teacher factory makes noise:D only (got '{spec}')");
}
