namespace AftSweep.Transfer.Data;

/// <summary>
/// One split of a dataset held in memory, rows in dataset order. Exactly one payload is set, matching the
/// dataset kind: <see cref="Texts"/> (template already applied), <see cref="Images"/>, or <see cref="Vectors"/>.
/// </summary>
public sealed class LabeledSplit
{
    public required int[] Labels { get; init; }
    public string[]? Texts { get; init; }
    public ImageBatch? Images { get; init; }
    public VectorBatch? Vectors { get; init; }
    /// <summary>
    /// Row i's index in the split's source file(s) before <c>limit</c> (and any <see cref="Select"/>); null when
    /// row i is source row i. Precomputed features (<c>features:DIR</c>) are indexed by source row.
    /// </summary>
    public int[]? SourceRows { get; init; }
    /// <summary>Rows in the split's source before <c>limit</c> (equals <see cref="Rows"/> when nothing was dropped).</summary>
    public int SourceRowCount { get => _sourceRowCount ?? Labels.Length; init => _sourceRowCount = value; }
    private readonly int? _sourceRowCount;

    public int Rows => Labels.Length;

    /// <summary>The source row of row <paramref name="row"/>.</summary>
    public int SourceRow(int row) => SourceRows?[row] ?? row;

    /// <summary>The rows at <paramref name="indices"/>, in that order (payload sliced alike).</summary>
    public LabeledSplit Select(IReadOnlyList<int> indices) => new()
    {
        Labels = indices.Select(i => Labels[i]).ToArray(),
        Texts = Texts is null ? null : indices.Select(i => Texts[i]).ToArray(),
        Images = Images?.Select(indices),
        Vectors = Vectors?.Select(indices),
        SourceRows = indices.Select(SourceRow).ToArray(),
        SourceRowCount = SourceRowCount,
    };
}

/// <summary>Images of one size as uint8 HWC (RGB), row-major: image i starts at i * Height * Width * 3.</summary>
public sealed class ImageBatch
{
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required byte[] Pixels { get; init; }
    public int Count => Pixels.Length / (Height * Width * 3);
    public int ImageBytes => Height * Width * 3;

    public ImageBatch Select(IReadOnlyList<int> indices)
    {
        var n = ImageBytes;
        var dst = new byte[indices.Count * n];
        for (var k = 0; k < indices.Count; k++) Buffer.BlockCopy(Pixels, indices[k] * n, dst, k * n, n);
        return new ImageBatch { Height = Height, Width = Width, Pixels = dst };
    }
}

/// <summary>Float32 vectors [rows, Dim], row-major.</summary>
public sealed class VectorBatch
{
    public required int Dim { get; init; }
    public required float[] Values { get; init; }
    public int Count => Dim == 0 ? 0 : Values.Length / Dim;

    public VectorBatch Select(IReadOnlyList<int> indices)
    {
        var dst = new float[indices.Count * Dim];
        for (var k = 0; k < indices.Count; k++) Array.Copy(Values, (long)indices[k] * Dim, dst, (long)k * Dim, Dim);
        return new VectorBatch { Dim = Dim, Values = dst };
    }
}
