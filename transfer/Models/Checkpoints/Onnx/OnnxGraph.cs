namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A GraphProto: nodes in the file's (topological) order, the graph's inputs and outputs, and its initializers
/// by name, with indexes from a value's name to the node producing it and to the nodes consuming it, which is how
/// conversions walk the graph.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);

    public OnnxGraph(string name, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<OnnxValueInfo> inputs,
        IReadOnlyList<OnnxValueInfo> outputs, IReadOnlyDictionary<string, OnnxTensor> initializers)
    {
        Name = name;
        Nodes = nodes;
        Inputs = inputs;
        Outputs = outputs;
        Initializers = initializers;
        foreach (var node in nodes)
        {
            foreach (var output in node.Outputs)
                if (output.Length > 0) _producers[output] = node;
            foreach (var input in node.Inputs)
            {
                if (input.Length == 0) continue;
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                if (list.Count == 0 || !ReferenceEquals(list[^1], node)) list.Add(node); // Mul(x, x) reads x once
            }
        }
    }

    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>The node whose output is <paramref name="value"/>, or null for a graph input or initializer.</summary>
    public OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>The nodes that read <paramref name="value"/>, in file order.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : [];

    /// <summary>
    /// A constant value: an initializer, or the tensor of a Constant node producing it (exporters use both for
    /// shapes and scalars); null when the value is computed.
    /// </summary>
    public OnnxTensor? Constant(string value)
    {
        if (Initializers.TryGetValue(value, out var tensor)) return tensor;
        return Producer(value) is { OpType: "Constant" } node && node.Attribute("value") is { Type: OnnxAttributeType.Tensor, Tensor: { } t }
            ? t
            : null;
    }
}
