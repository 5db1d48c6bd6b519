namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A ModelProto as read by <see cref="OnnxModelReader"/>: where it came from, the exporter's name and version,
/// the operator sets it was written against (domain "" is the standard ai.onnx set) and the main graph.
/// </summary>
public sealed record OnnxModel(
    string Source,
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    IReadOnlyDictionary<string, long> Opsets,
    OnnxGraph Graph)
{
    /// <summary>The standard operator set's version.</summary>
    public long Opset => Opsets.GetValueOrDefault("");

    /// <summary>"pytorch 1.10, opset 13": how descriptions name the export.</summary>
    public string ProducerText => $"{ProducerName} {ProducerVersion}, opset {Opset}".Trim();
}
