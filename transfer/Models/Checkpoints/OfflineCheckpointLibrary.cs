using System.Collections.Concurrent;
using AftSweep.Transfer.Models.Checkpoints.Onnx;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// The offline sources as checkpoints (<see cref="OnnxCheckpoints"/>: the bundled ONNX models' initializers under
/// Hugging Face / torchvision names, with config, vocabulary and preprocessing). A conversion reads a 60-90 MB file,
/// so each source is converted once per process and shared (read-only) by every trial that starts from it.
/// </summary>
public static class OfflineCheckpointLibrary
{
    private static readonly ConcurrentDictionary<string, Lazy<Checkpoint>> Converted = new(StringComparer.Ordinal);

    public static Checkpoint Open(string source) =>
        Converted.GetOrAdd(source, s => new Lazy<Checkpoint>(() => Convert(s))).Value;

    private static Checkpoint Convert(string source)
    {
        OnnxConversion conversion;
        try
        {
            conversion = OnnxCheckpoints.Convert(source);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException)
        {
            throw new CheckpointException(source, $"the offline conversion failed: {e.Message}", e);
        }
        return new Checkpoint
        {
            Source = source,
            Tensors = conversion.Tensors.ToDictionary(kv => kv.Key, kv => CheckpointTensor.From(kv.Key, kv.Value), StringComparer.Ordinal),
            ConfigJson = conversion.ConfigJson,
            Vocabulary = conversion.Vocabulary,
            LowerCase = conversion.Vocabulary is null ? null : true,
            Preprocessing = conversion.Preprocessing?.ToStudentPreprocessing(),
            Description = conversion.Description,
        };
    }
}
