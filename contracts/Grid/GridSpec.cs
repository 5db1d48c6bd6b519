namespace AftSweep.Contracts.Grid;

/// <summary>A validated grid.json v1 (shared/spec/grid.md). Paths are absolute (resolved against the grid's folder).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.GridSpec.v1")]
public sealed record GridSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required DatasetSpec Dataset { get; init; }
    [Id(2)] public required DownstreamSpec Downstream { get; init; }
    /// <summary>Teacher name -> spec string ("onnx:minilm", "noise:384", ...), in file order.</summary>
    [Id(3)] public required IReadOnlyList<TeacherRef> Teachers { get; init; }
    /// <summary>Each combo is a list of teacher names; features concatenate in this order.</summary>
    [Id(4)] public required IReadOnlyList<IReadOnlyList<string>> Combos { get; init; }
    /// <summary>Methods in file order.</summary>
    [Id(5)] public required IReadOnlyList<MethodSpec> Methods { get; init; }
    [Id(6)] public required IReadOnlyList<int> Seeds { get; init; }
    [Id(7)] public required TrainingConfig Training { get; init; }
    [Id(8)] public required SelectionSpec Selection { get; init; }
    /// <summary>Absolute path of the folder the grid file was read from.</summary>
    [Id(9)] public required string BaseDirectory { get; init; }

    public TeacherRef Teacher(string name) => Teachers.First(t => t.Name == name);
}

/// <summary>A named teacher. <see cref="Spec"/> is canonical (absolute paths, see <see cref="TeacherSpec"/>).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TeacherRef.v1")]
public sealed record TeacherRef([property: Id(0)] string Name, [property: Id(1)] string Spec)
{
    /// <summary>sha256 of the teacher's files (features:DIR, onnx-file:), set by the planner; null for built-in and
    /// noise teachers. Part of every trial id, so changed features or models never reuse old results.</summary>
    [Id(2)] public string? Fingerprint { get; init; }
}

[GenerateSerializer, Immutable, Alias("aftsweep.DownstreamSpec.v1")]
public sealed record DownstreamSpec
{
    /// <summary>mlp | cnn-small | resnet18 | text-transformer.</summary>
    [Id(0)] public required string Model { get; init; }
    /// <summary>Absolute path of a weights file, or null for random init. The head is always fresh.</summary>
    [Id(1)] public string? Init { get; init; }
    /// <summary>Model knobs, scalars as invariant strings (e.g. "smallImageStem": "true").</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    /// <summary>sha256 of the <see cref="Init"/> file, set by the planner (trial ids hash this, not the path).</summary>
    [Id(3)] public string? InitFingerprint { get; init; }
}

[GenerateSerializer, Immutable, Alias("aftsweep.SelectionSpec.v1")]
public sealed record SelectionSpec
{
    public const double DefaultHoldoutFraction = 0.1;
    public const int DefaultSplitSeed = 42;

    [Id(0)] public double HoldoutFraction { get; init; } = DefaultHoldoutFraction;
    [Id(1)] public int SplitSeed { get; init; } = DefaultSplitSeed;
    [Id(2)] public IReadOnlyList<int> Seeds { get; init; } = [0];
}
