namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>A NodeProto: one operator application. Inputs may contain "" for an omitted optional input.</summary>
public sealed record OnnxNode(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>"Conv 'Convolution249'" (the node's name, or its first output when unnamed): how errors name a node.</summary>
    public string Describe() => $"{OpType} '{(Name.Length > 0 ? Name : Outputs.FirstOrDefault() ?? "?")}'";

    public OnnxAttribute? Attribute(string name) => Attributes.GetValueOrDefault(name);

    public IReadOnlyList<long> Ints(string name) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Ints ? a.Ints : [];

    public long? Int(string name) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Int ? a.Int : null;

    public float? Float(string name) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Float ? a.Float : null;
}
