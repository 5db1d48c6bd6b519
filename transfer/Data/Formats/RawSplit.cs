namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// One split as a format reader produced it, before labels become class ids and before <c>limit</c>.
/// Labels are text (tsv/csv cells, class folder names) or integers (idx, npy); exactly one is set.
/// </summary>
internal sealed class RawSplit
{
    /// <summary>The file named in label errors (the split's label file).</summary>
    public required string LabelFile { get; init; }
    /// <summary>The file row i came from when a split spans several (image-tar chunks); null = <see cref="LabelFile"/>.</summary>
    public Func<int, string>? FileOf { get; init; }
    public string FileOfRow(int row) => FileOf?.Invoke(row) ?? LabelFile;
    /// <summary>Where row i came from, for error messages ("line 12", "member train/cat/0001.jpg").</summary>
    public required Func<int, string> Locate { get; init; }
    public string[]? TextLabels { get; init; }
    public long[]? IntegerLabels { get; init; }
    public string[]? Texts { get; init; }
    public ImageBatch? Images { get; init; }
    public VectorBatch? Vectors { get; init; }

    public int Rows => TextLabels?.Length ?? IntegerLabels!.Length;
}
