using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// A checkpoint as the student loader sees it, wherever it came from (a safetensors or TorchSharp file with its side
/// files, or an offline conversion): named tensors in the layout of the checkpoint's family, the architecture's
/// config as JSON, the tokenizer's vocabulary (text models) and the pixel preprocessing it was trained with
/// (image models), each null when the source does not say.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The file path or offline source name, as errors name it.</summary>
    public required string Source { get; init; }

    public required IReadOnlyDictionary<string, CheckpointTensor> Tensors { get; init; }

    /// <summary>The config the source carries (config.json next to the file, or the conversion's).</summary>
    public string? ConfigJson { get; init; }

    /// <summary>WordPiece vocab.txt bytes.</summary>
    public byte[]? Vocabulary { get; init; }

    /// <summary>Whether the tokenizer lower-cases (tokenizer_config.json's do_lower_case); null = not stated.</summary>
    public bool? LowerCase { get; init; }

    /// <summary>The pixel preprocessing the weights expect; null = the architecture's default for its family.</summary>
    public ImagePreprocessing? Preprocessing { get; init; }

    /// <summary>What the checkpoint is, for offline conversions (docs/models.md).</summary>
    public string? Description { get; init; }
}
