namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// Reads a channel-reordering, mean-subtracting preprocessing graph (the ResNet-18 package's ResNetPreprocess.onnx:
/// Split the RGB planes, Concat them in another order, Sub a constant mean image) into
/// <see cref="ExportedPreprocessing"/>. Any other graph is refused, naming what it found: preprocessing is only
/// returned as data when the data says all the graph does.
/// </summary>
public static class ImagePreprocessingReader
{
    private const string Channels = "RGB";

    public static ExportedPreprocessing Read(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var ops = string.Join(", ", graph.Nodes.Select(n => n.OpType));
        if (graph.Nodes.Count != 3 || graph.Inputs.Count(i => !graph.Initializers.ContainsKey(i.Name)) != 1 || graph.Outputs.Count != 1)
            throw Invalid(model, $"expected one input, Split, Concat, Sub and one output; found {graph.Nodes.Count} nodes ({ops})");
        var input = graph.Inputs.First(i => !graph.Initializers.ContainsKey(i.Name)).Name;
        var split = graph.Nodes[0];
        var concat = graph.Nodes[1];
        var sub = graph.Nodes[2];
        if (split.OpType != "Split" || split.Inputs[0] != input || split.Int("axis") != 1 || split.Outputs.Count != 3)
            throw Invalid(model, $"the first node must split the input's 3 channels (axis 1); it is {split.Describe()} ({ops})");
        if (concat.OpType != "Concat" || concat.Int("axis") != 1 || concat.Inputs.Count != 3)
            throw Invalid(model, $"the second node must concatenate 3 channels on axis 1; it is {concat.Describe()}");
        var order = concat.Inputs.Select(i => split.Outputs.ToList().IndexOf(i)).ToArray();
        if (order.Order().SequenceEqual([0, 1, 2]) == false)
            throw Invalid(model, $"{concat.Describe()} does not reorder the split channels (inputs {string.Join(", ", concat.Inputs)})");
        if (sub.OpType != "Sub" || sub.Inputs[0] != concat.Outputs[0] || sub.Outputs[0] != graph.Outputs[0].Name)
            throw Invalid(model, $"the last node must subtract a constant from the reordered channels into the output; it is {sub.Describe()}");
        var mean = graph.Constant(sub.Inputs[1]) ?? throw Invalid(model, $"{sub.Describe()} subtracts '{sub.Inputs[1]}', which is not a constant");
        var dims = mean.Dims.SkipWhile((d, i) => i < mean.Dims.Count - 3 && d == 1).ToArray(); // drop a leading batch axis of 1
        if (dims.Length != 3 || dims[0] != 3)
            throw Invalid(model, $"the mean image '{mean.Name}' has shape {mean.ShapeText}, expected [1, 3, H, W] or [3, H, W]");
        return new ExportedPreprocessing(
            InputChannels: Channels,
            OutputChannels: new string(order.Select(c => Channels[c]).ToArray()),
            ChannelOrder: order,
            Scale: 1f,
            MeanShape: dims,
            Mean: mean.ToFloats(),
            Std: null);
    }

    private static InvalidDataException Invalid(OnnxModel model, string problem) =>
        new($"ONNX file '{model.Source}' is not a channel-reorder-and-mean preprocessing graph: {problem}");
}
