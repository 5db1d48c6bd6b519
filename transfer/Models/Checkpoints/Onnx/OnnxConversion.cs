using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A bundled ONNX model's weights under the names a user's checkpoint of the same architecture has (Hugging Face
/// BertModel, torchvision ResNet), as float32 little-endian tensors, with what a student needs besides them:
/// the architecture config (Hugging Face config.json text for BERT, the block layout for ResNet), the WordPiece
/// vocabulary (vocab.txt bytes) for text models, the input preprocessing for image models, and a one-paragraph
/// <see cref="Description"/> of exactly what the converted model is and what the conversion changed.
/// </summary>
public sealed record OnnxConversion(
    string Source,
    IReadOnlyDictionary<string, StoredTensor> Tensors,
    string? ConfigJson,
    byte[]? Vocabulary,
    ExportedPreprocessing? Preprocessing,
    string Description);
