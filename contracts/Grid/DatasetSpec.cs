namespace AftSweep.Contracts.Grid;

public enum DatasetKind { Text = 1, Image = 2, Vectors = 3 }

public enum DatasetFormat { Tsv = 1, Csv = 2, ImageTar = 3, ImageFolder = 4, Idx = 5, Npy = 6 }

/// <summary>The grid's dataset block. Paths are absolute.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.DatasetSpec.v1")]
public sealed record DatasetSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required DatasetKind Kind { get; init; }
    [Id(2)] public required DatasetFormat Format { get; init; }
    [Id(3)] public required SplitSource Train { get; init; }
    [Id(4)] public required SplitSource Test { get; init; }
    /// <summary>tsv/csv: whether the first row is a header (default true).</summary>
    [Id(5)] public bool Header { get; init; } = true;
    /// <summary>tsv/csv text columns (one or two): names, or 0-based indices when there is no header.</summary>
    [Id(6)] public IReadOnlyList<ColumnRef> Text { get; init; } = [];
    /// <summary>tsv/csv label column.</summary>
    [Id(7)] public ColumnRef? Label { get; init; }
    /// <summary>Text only: "{column}" placeholders; null = the text columns joined by a space.</summary>
    [Id(8)] public string? Template { get; init; }
    [Id(9)] public SplitLimit? Limit { get; init; }
}

/// <summary>A column by header name or by 0-based index.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.ColumnRef.v1")]
public sealed record ColumnRef([property: Id(0)] string? Name, [property: Id(1)] int? Index)
{
    public static ColumnRef Named(string name) => new(name, null);
    public static ColumnRef At(int index) => new(null, index);
    public override string ToString() => Name ?? Index!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Where one split's data lives. tsv/csv/image-folder: <see cref="Files"/> has one path; image-tar: one or more
/// paths (globs already expanded, sorted); idx: <see cref="Images"/> + <see cref="Labels"/>; npy: <see cref="X"/> + <see cref="Y"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SplitSource.v1")]
public sealed record SplitSource
{
    [Id(0)] public IReadOnlyList<string> Files { get; init; } = [];
    [Id(1)] public string? Images { get; init; }
    [Id(2)] public string? Labels { get; init; }
    [Id(3)] public string? X { get; init; }
    [Id(4)] public string? Y { get; init; }

    /// <summary>Every file this split reads, in a stable order (for hashing and existence checks).</summary>
    public IEnumerable<string> AllPaths() =>
        Files.Concat(new[] { Images, Labels, X, Y }.Where(p => p is not null).Select(p => p!));
}

/// <summary>Per-split caps: a class-balanced subset drawn with the split seed.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SplitLimit.v1")]
public sealed record SplitLimit([property: Id(0)] int? Train, [property: Id(1)] int? Test);
