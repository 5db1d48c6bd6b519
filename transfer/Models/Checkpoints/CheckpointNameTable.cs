using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// How one architecture's checkpoint names map to its module's names. The modules are built with their family's
/// own names (Hugging Face BertModel, torchvision ResNet, timm VisionTransformer), so the identity does most of the
/// work; the table says what else a real checkpoint of that family holds: a wrapper prefix (<c>bert.</c> in a
/// BertForSequenceClassification file), parts the student does not have (the pooler, pre-training heads), the
/// per-layer name pattern a layer subset renumbers, aliases for tensors another family names differently, and
/// tensors adapted to the model's shape by a documented rule (a ViT's position embeddings at another resolution).
/// </summary>
public sealed record CheckpointNameTable
{
    /// <summary>Wrapper prefixes stripped from checkpoint names.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = ["module."];

    /// <summary>Checkpoint entries (by prefix after stripping) that belong to parts the student does not have.</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>Per-layer name prefix with {0} for the layer index (e.g. "encoder.layer.{0}."), when the
    /// architecture stacks layers a subset can pick from.</summary>
    public string? LayerFormat { get; init; }

    /// <summary>Model entry -> other checkpoint names it may be read from, tried after its own name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Model entry prefixes a checkpoint may lack altogether (they keep their initialisation): all or none.</summary>
    public IReadOnlyList<string> Optional { get; init; } = [];

    /// <summary>Turns a checkpoint tensor whose shape differs from the model's into the model's shape, or returns
    /// null when no rule applies to that entry (then the mismatch is an error). Arguments: model entry, stored
    /// tensor (float32, CPU), the model's shape.</summary>
    public Func<string, Tensor, long[], Tensor?>? Adapt { get; init; }

    /// <summary>Says whether <see cref="Adapt"/> can bring <paramref name="stored"/> to <paramref name="target"/>,
    /// without tensor data (for validation).</summary>
    public Func<string, long[], long[], bool>? CanAdapt { get; init; }

    public bool IsIgnored(string name) => Ignored.Any(p => name.StartsWith(p, StringComparison.Ordinal) || name == p.TrimEnd('.'));

    public bool IsOptional(string name) => Optional.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
