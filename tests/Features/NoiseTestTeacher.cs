using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Tests.Features;

/// <summary>
/// Test-only teacher for "noise:D": deterministic pseudo-random features per (dataset, split, row, column), so
/// any row range re-extracted later is bit-identical. Counts the rows it computed; <see cref="BeforeExtract"/>
/// lets a test interrupt or slow down extraction at a shard boundary.
/// </summary>
public sealed class NoiseTestTeacher(int dim, string spec) : ITeacher
{
    private long _rowsExtracted;
    private int _calls;

    public string Spec { get; } = spec;
    public int Dim { get; } = dim;
    public string Identity => $"test-noise/1:{Dim}";
    public long RowsExtracted => Interlocked.Read(ref _rowsExtracted);
    public int Calls => Volatile.Read(ref _calls);
    /// <summary>Called with (call number, start row) before each extraction; may throw or delay.</summary>
    public Func<int, int, CancellationToken, Task>? BeforeExtract { get; set; }
    /// <summary>Return features of a different shape (to test the store's checks).</summary>
    public int? WrongRows { get; set; }

    public async Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (BeforeExtract is not null) await BeforeExtract(call, startRow, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (startRow < 0 || startRow + rowCount > dataset.Split(split).Rows)
            throw new ArgumentOutOfRangeException(nameof(startRow), $"rows [{startRow}, {startRow + rowCount}) outside the split");
        var rows = WrongRows ?? rowCount;
        var data = new float[rows * Dim];
        var seed = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{dataset.Fingerprint}/{split}")));
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < Dim; c++)
                data[r * Dim + c] = Value(seed, (ulong)(startRow + r), (ulong)c);
        Interlocked.Add(ref _rowsExtracted, rowCount);
        rowsDone?.Report(rowCount);
        return new FeatureMatrix(rows, Dim, data);
    }

    /// <summary>SplitMix64 of (seed, row, column) mapped to [-1, 1).</summary>
    public static float Value(ulong seed, ulong row, ulong column)
    {
        var z = seed + (row * 0x9E3779B97F4A7C15UL) + (column * 0xBF58476D1CE4E5B9UL) + 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (float)((z >> 40) / (double)(1UL << 24) * 2.0 - 1.0);
    }

    public void Dispose() { }
}

/// <summary>Makes <see cref="NoiseTestTeacher"/>s from "noise:D" and remembers them, so tests can read their counters.</summary>
public sealed class NoiseTestTeacherFactory : ITeacherFactory
{
    private readonly List<NoiseTestTeacher> _made = [];

    public Action<NoiseTestTeacher>? Configure { get; set; }
    public IReadOnlyList<NoiseTestTeacher> Made { get { lock (_made) return _made.ToList(); } }
    public long RowsExtracted => Made.Sum(t => t.RowsExtracted);

    public ITeacher Create(TeacherSpec spec)
    {
        if (spec is not { Kind: TeacherKind.Noise, Dim: { } dim })
            throw new ArgumentException($"test teacher factory only makes noise:D (got '{spec}')");
        var teacher = new NoiseTestTeacher(dim, spec.ToString());
        Configure?.Invoke(teacher);
        lock (_made) _made.Add(teacher);
        return teacher;
    }
}
