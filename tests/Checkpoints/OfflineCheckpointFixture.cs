using AftSweep.Transfer.Models.Checkpoints.Onnx;

namespace AftSweep.Tests.Checkpoints;

/// <summary>One conversion per source for a test class (each takes about a second and 90 MB).</summary>
public sealed class OfflineCheckpointFixture
{
    private readonly Dictionary<string, Lazy<OnnxConversion>> _conversions =
        OnnxCheckpoints.Sources.ToDictionary(s => s, s => new Lazy<OnnxConversion>(() => OnnxCheckpoints.Convert(s)));

    public OnnxConversion this[string source] => _conversions[source].Value;
}
