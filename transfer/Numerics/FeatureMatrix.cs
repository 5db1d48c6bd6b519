namespace AftSweep.Transfer.Numerics;

/// <summary>Float32 features [Rows, Dim], row-major, rows in dataset order.</summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(int rows, int dim, float[] data)
    {
        if (rows < 0 || dim <= 0) throw new ArgumentException($"invalid feature shape [{rows}, {dim}]");
        if (data.LongLength != (long)rows * dim)
            throw new ArgumentException($"feature data has {data.LongLength} values, expected {rows} x {dim}");
        Rows = rows;
        Dim = dim;
        Data = data;
    }

    public int Rows { get; }
    public int Dim { get; }
    public float[] Data { get; }

    public FeatureMatrix SelectRows(IReadOnlyList<int> indices)
    {
        var dst = new float[(long)indices.Count * Dim];
        for (var k = 0; k < indices.Count; k++) Array.Copy(Data, (long)indices[k] * Dim, dst, (long)k * Dim, Dim);
        return new FeatureMatrix(indices.Count, Dim, dst);
    }

    /// <summary>A copy with column j multiplied by <paramref name="weights"/>[j] (one weight per column).</summary>
    public FeatureMatrix ScaleColumns(IReadOnlyList<float> weights)
    {
        if (weights.Count != Dim) throw new ArgumentException($"{weights.Count} column weights for {Dim} columns");
        var dst = new float[Data.LongLength];
        for (long r = 0; r < Rows; r++)
        {
            var offset = r * Dim;
            for (var j = 0; j < Dim; j++) dst[offset + j] = Data[offset + j] * weights[j];
        }
        return new FeatureMatrix(Rows, Dim, dst);
    }

    /// <summary>Column-wise concatenation in the given order (a teacher combo).</summary>
    public static FeatureMatrix Concat(IReadOnlyList<FeatureMatrix> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no feature blocks to concatenate");
        var rows = parts[0].Rows;
        if (parts.Any(p => p.Rows != rows))
            throw new ArgumentException($"feature blocks disagree on rows: {string.Join(", ", parts.Select(p => p.Rows))}");
        var dim = parts.Sum(p => p.Dim);
        var dst = new float[(long)rows * dim];
        var offset = 0;
        foreach (var p in parts)
        {
            for (var r = 0; r < rows; r++) Array.Copy(p.Data, (long)r * p.Dim, dst, (long)r * dim + offset, p.Dim);
            offset += p.Dim;
        }
        return new FeatureMatrix(rows, dim, dst);
    }
}
