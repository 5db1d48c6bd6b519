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
    /// <summary>An architecture of <see cref="DownstreamModels"/> (bert, dan, resnet18, resnet50, vit-s16, mlp, ...).</summary>
    [Id(0)] public required string Model { get; init; }
    /// <summary>The checkpoint: an absolute file path (.safetensors or TorchSharp's format), an offline source of
    /// <see cref="OfflineCheckpoints"/> (e.g. "onnx:minilm"), or null for random initialisation.</summary>
    [Id(1)] public string? Init { get; init; }
    /// <summary>Model knobs, scalars as invariant strings (e.g. "smallImageStem": "true").</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    /// <summary>sha256 of the checkpoint file and its side files (config, vocabulary), set by the planner (trial ids
    /// hash this, not the paths); null for offline sources, which the code version covers.</summary>
    [Id(3)] public string? InitFingerprint { get; init; }
    /// <summary>The architecture's config as canonical JSON (the grid's inline <c>config</c> object), or null.</summary>
    [Id(4)] public string? Config { get; init; }
    /// <summary>Absolute path of a config file (the grid's <c>config</c> as a path), or null: then a config.json next
    /// to the checkpoint, or the offline source's, or the architecture's preset.</summary>
    [Id(5)] public string? ConfigFile { get; init; }
    /// <summary>Absolute path of a WordPiece vocab.txt (text models), or null: then the one next to the checkpoint,
    /// or the offline source's, or MiniLM's.</summary>
    [Id(6)] public string? Vocabulary { get; init; }
    /// <summary>Which of the checkpoint's transformer layers the student keeps, in order (a DistilBERT-style smaller
    /// student); null keeps them all.</summary>
    [Id(7)] public IReadOnlyList<int>? Layers { get; init; }
    /// <summary>"cls" or "mean" for transformer students; null = the architecture's default.</summary>
    [Id(8)] public string? Pooling { get; init; }
    /// <summary>Square input resolution images are resized to (image students); null = the dataset's own size.</summary>
    [Id(9)] public int? Resolution { get; init; }
    /// <summary>False keeps the checkpoint's classification head (its class count must match); null or true: a fresh
    /// head. Null rather than true by default so specs written before the field existed keep their ids.</summary>
    [Id(10)] public bool? NewHead { get; init; }

    public bool KeepsCheckpointHead => NewHead == false;
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
