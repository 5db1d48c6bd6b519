using System.Globalization;
using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// Converts an ImageNet ResNet of basic blocks exported to ONNX (batch norms kept as BatchNormalization nodes) to
/// torchvision's ResNet state-dict layout, by walking the graph from its input: the 7x7 stem convolution, its
/// batch norm, ReLU and max-pool, then each residual block (the convolutions that read the block's input: a 3x3
/// main path and, where the shape changes, a 1x1 shortcut; BN, ReLU, 3x3, BN, the Add with the shortcut, ReLU)
/// until the global average pool. A block with a shortcut convolution starts the next stage. Initializer names and
/// order play no part. BatchNormalization inputs (X, scale, B, mean, var) become weight, bias, running_mean and
/// running_var; epsilon must be torchvision's 1e-5. Asymmetric padding (the export's [top, left, bottom, right]
/// with one less at the end on stride-2 ops) is recorded: it matches torchvision's symmetric padding exactly when
/// every strided op sees an even input size, i.e. for inputs whose sides are multiples of 32.
/// </summary>
public static class ResNetOnnxConverter
{
    private const float TorchvisionEpsilon = 1e-5f;

    public static OnnxConversion Convert(OnnxModel model, ExportedPreprocessing? preprocessing, string source, string origin)
    {
        ArgumentNullException.ThrowIfNull(model);
        var walk = new Walk(model);
        var description = Describe(model, walk, preprocessing, source, origin);
        var config = "{\n  \"model_type\": \"resnet\",\n  \"block\": \"BasicBlock\",\n  \"layers\": [" +
            string.Join(", ", walk.BlocksPerStage) + "],\n  \"num_features\": " + walk.Features.ToString(CultureInfo.InvariantCulture) + "\n}";
        return new OnnxConversion(source, walk.Tensors, config, null, preprocessing, description);
    }

    private static string Describe(OnnxModel model, Walk walk, ExportedPreprocessing? preprocessing, string source, string origin)
    {
        var layout = string.Join(", ", walk.BlocksPerStage);
        var torchvision = walk.BlocksPerStage.SequenceEqual([2, 2, 2, 2]) ? "torchvision's resnet18 block layout"
            : $"torchvision's ResNet(BasicBlock, [{layout}]) layout; note torchvision's resnet18 is [2, 2, 2, 2], this checkpoint has {walk.BlocksPerStage.Sum() - 8:+0;-0} block(s) relative to it, " +
              "so the student must be built with these block counts";
        var pads = walk.AsymmetricPads.Count == 0 ? "All padding is symmetric, as in torchvision."
            : $"The export pads asymmetrically ({string.Join("; ", walk.AsymmetricPads)}, as [top, left, bottom, right]); torchvision pads symmetrically. " +
              "The results are identical when every strided op sees an even input size (input sides that are multiples of 32, e.g. 224): the extra bottom/right padding is then never reached by a window.";
        var pool = walk.PoolKernel is [var kh, var kw]
            ? $" The export pools with a fixed {kh}x{kw} AveragePool, global only for {kh * 32}x{kw * 32} inputs; torchvision's adaptive average pool (and the student's mean over positions) is global at any size."
            : "";
        var prep = preprocessing is null ? "" :
            $" Preprocessing (returned as data): pixels 0..255 in {preprocessing.InputChannels} order, reordered to {preprocessing.OutputChannels}, " +
            $"scaled by {preprocessing.Scale.ToString(CultureInfo.InvariantCulture)}, minus a mean image of shape [{string.Join(", ", preprocessing.MeanShape)}] " +
            $"(per-channel averages {string.Join(", ", ChannelMeans(preprocessing))}){(preprocessing.Std is null ? ", no division by a standard deviation" : "")}.";
        return $"{source}: {origin}, read from its ONNX export ({model.ProducerText}). A ResNet of basic blocks [{layout}] per stage " +
            $"(widths 64-128-256-512, {walk.Features}-d globally average-pooled features, no classifier in the export) as {walk.Tensors.Count} float32 tensors ({Float32Tensors.CountText(walk.Tensors.Values)} values) " +
            $"in {torchvision}. Tensors were found by walking the graph from its input (stem convolution, batch norm, max-pool, then each residual block), " +
            "not by initializer names or order. Batch norms were not folded by the export: each BatchNormalization's scale, bias, mean and variance " +
            $"became bn.weight, bn.bias, bn.running_mean and bn.running_var (epsilon 1e-5, as torchvision). Convolutions have no bias, as in torchvision. {pads}{pool}{prep}";
    }

    private static IEnumerable<string> ChannelMeans(ExportedPreprocessing p)
    {
        var plane = (int)(p.MeanShape[1] * p.MeanShape[2]);
        for (var c = 0; c < p.MeanShape[0]; c++)
        {
            double sum = 0;
            for (var i = 0; i < plane; i++) sum += p.Mean[c * plane + i];
            yield return $"{p.OutputChannels[c]} {(sum / plane).ToString("F1", CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>The structural walk; fills the tensors as it goes and fails naming the node where the graph differs.</summary>
    private sealed class Walk
    {
        private readonly OnnxModel _model;
        private readonly OnnxGraph _graph;
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public Dictionary<string, StoredTensor> Tensors { get; } = new(StringComparer.Ordinal);
        public List<int> BlocksPerStage { get; } = [];
        public List<string> AsymmetricPads { get; } = [];
        public long Features { get; private set; }
        /// <summary>The export's final pool kernel (null for GlobalAveragePool/ReduceMean): global only at one input size.</summary>
        public IReadOnlyList<long>? PoolKernel { get; private set; }

        public Walk(OnnxModel model)
        {
            _model = model;
            _graph = model.Graph;
            var inputs = _graph.Inputs.Where(i => !_graph.Initializers.ContainsKey(i.Name)).ToArray();
            if (inputs.Length != 1) throw Invalid($"expected one image input, found {inputs.Length} ({string.Join(", ", inputs.Select(i => i.Name))})");

            var stem = Single(inputs[0].Name, "Conv", "the stem convolution reading the image");
            RequireConv(stem, "conv1", kernel: 7, stride: 2);
            var bn = Single(stem.Outputs[0], "BatchNormalization", "the stem batch norm");
            MapBatchNorm(bn, "bn1");
            var relu = Single(bn.Outputs[0], "Relu", "the stem ReLU");
            var pool = Single(relu.Outputs[0], "MaxPool", "the stem max-pool");
            if (!pool.Ints("kernel_shape").SequenceEqual([3L, 3]) || !pool.Ints("strides").SequenceEqual([2L, 2]))
                throw Invalid($"{pool.Describe()} has kernel [{string.Join(", ", pool.Ints("kernel_shape"))}] and strides [{string.Join(", ", pool.Ints("strides"))}], torchvision's stem pools 3x3 with stride 2");
            NotePads(pool, "max-pool", expectedBegin: 1);

            var current = pool.Outputs[0];
            var channels = Tensors["conv1.weight"].Shape[0];
            while (true)
            {
                var readers = _graph.Consumers(current);
                var end = readers.FirstOrDefault(n => n.OpType is "AveragePool" or "GlobalAveragePool" or "ReduceMean");
                if (end is not null)
                {
                    if (readers.Count != 1) throw Invalid($"the last block's output goes to {string.Join(", ", readers.Select(r => r.Describe()))}, expected only the global pool");
                    if (!_graph.Outputs.Any(o => o.Name == end.Outputs[0]))
                        throw Invalid($"{end.Describe()} does not produce a graph output; features must be the global pool");
                    Features = channels;
                    if (end.OpType == "AveragePool") PoolKernel = end.Ints("kernel_shape");
                    break;
                }
                current = Block(current, ref channels);
            }
            if (BlocksPerStage.Count != 4) throw Invalid($"found {BlocksPerStage.Count} stages, a ResNet has 4");
            var unused = _graph.Initializers.Keys.Where(k => !_used.Contains(k)).ToArray();
            if (unused.Length > 0) throw Invalid($"{unused.Length} initializer(s) are not reached by the walk: {string.Join(", ", unused.Take(5))}");
        }

        /// <summary>One residual block reading <paramref name="input"/>; returns its output (after the final ReLU).</summary>
        private string Block(string input, ref long channels)
        {
            var readers = _graph.Consumers(input);
            var convs = readers.Where(n => n.OpType == "Conv").ToArray();
            var main = convs.Where(c => Kernel(c) == 3).ToArray();
            var shortcut = convs.Where(c => Kernel(c) == 1).ToArray();
            if (main.Length != 1 || shortcut.Length > 1 || convs.Length != main.Length + shortcut.Length)
                throw Invalid($"the block input '{input}' is read by {string.Join(", ", readers.Select(r => r.Describe()))}; expected one 3x3 Conv and at most one 1x1 shortcut Conv");
            var newStage = shortcut.Length == 1 || BlocksPerStage.Count == 0;
            if (newStage) BlocksPerStage.Add(0);
            var prefix = $"layer{BlocksPerStage.Count}.{BlocksPerStage[^1]}.";
            BlocksPerStage[^1]++;

            var conv1 = main[0];
            var stride = Stride(conv1);
            RequireConv(conv1, prefix + "conv1", kernel: 3, stride: stride);
            var bn1 = Single(conv1.Outputs[0], "BatchNormalization", prefix + "bn1");
            MapBatchNorm(bn1, prefix + "bn1");
            var relu = Single(bn1.Outputs[0], "Relu", prefix + "relu");
            var conv2 = Single(relu.Outputs[0], "Conv", prefix + "conv2");
            RequireConv(conv2, prefix + "conv2", kernel: 3, stride: 1);
            var bn2 = Single(conv2.Outputs[0], "BatchNormalization", prefix + "bn2");
            MapBatchNorm(bn2, prefix + "bn2");
            var add = Single(bn2.Outputs[0], "Add", prefix + " residual Add");
            var other = add.Inputs.Single(i => i != bn2.Outputs[0]);

            var width = Tensors[prefix + "conv1.weight"].Shape[0];
            if (shortcut.Length == 1)
            {
                RequireConv(shortcut[0], prefix + "downsample.0", kernel: 1, stride: stride);
                var bn = Single(shortcut[0].Outputs[0], "BatchNormalization", prefix + "downsample.1");
                MapBatchNorm(bn, prefix + "downsample.1");
                if (other != bn.Outputs[0]) throw Invalid($"{add.Describe()} adds '{other}', not the shortcut batch norm {bn.Describe()}");
            }
            else
            {
                if (other != input) throw Invalid($"{add.Describe()} adds '{other}', not the block input '{input}' (identity shortcut)");
                if (stride != 1 || width != channels)
                    throw Invalid($"{conv1.Describe()} changes the shape (stride {stride}, {channels} to {width} channels) but the block has no shortcut convolution");
            }
            channels = width;
            return Single(add.Outputs[0], "Relu", prefix + "output ReLU").Outputs[0];
        }

        private OnnxNode Single(string value, string opType, string what)
        {
            var readers = _graph.Consumers(value);
            var matching = readers.Where(n => n.OpType == opType).ToArray();
            if (matching.Length != 1)
                throw Invalid($"expected one {opType} ({what}) reading '{value}', found {(readers.Count == 0 ? "no readers" : string.Join(", ", readers.Select(r => r.Describe())))}");
            return matching[0];
        }

        private void RequireConv(OnnxNode conv, string name, long kernel, long stride)
        {
            if (conv.Inputs.Count != 2)
                throw Invalid($"{conv.Describe()} ({name}) has a bias input; torchvision's ResNet convolutions have none");
            var weight = Initializer(conv.Inputs[1], conv);
            if (weight.Dims.Count != 4 || weight.Dims[2] != kernel || weight.Dims[3] != kernel)
                throw Invalid($"{conv.Describe()} ({name}) has weight {weight.ShapeText}, expected a {kernel}x{kernel} kernel");
            if ((conv.Int("group") ?? 1) != 1 || conv.Ints("dilations").Any(d => d != 1))
                throw Invalid($"{conv.Describe()} ({name}) is grouped or dilated");
            if (conv.Attribute("auto_pad")?.String is { } autoPad && autoPad != "NOTSET")
                throw Invalid($"{conv.Describe()} ({name}) uses auto_pad {autoPad}");
            if (Stride(conv) != stride) throw Invalid($"{conv.Describe()} ({name}) has stride {Stride(conv)}, expected {stride}");
            NotePads(conv, name, expectedBegin: kernel / 2);
            Tensors[name + ".weight"] = Float32Tensors.From(weight);
        }

        /// <summary>Checks torchvision's padding (kernel / 2 on every side) up to a smaller end pad on a stride-2 op, recorded.</summary>
        private void NotePads(OnnxNode node, string name, long expectedBegin)
        {
            var pads = node.Ints("pads");
            if (pads.Count == 0 && expectedBegin == 0) return;
            if (pads.Count != 4 || pads[0] != expectedBegin || pads[1] != expectedBegin)
                throw Invalid($"{node.Describe()} ({name}) pads [{string.Join(", ", pads)}], expected {expectedBegin} before each axis as torchvision");
            if (pads[2] == expectedBegin && pads[3] == expectedBegin) return;
            var stride = node.Ints("strides");
            if (pads[2] != expectedBegin - 1 || pads[3] != expectedBegin - 1 || !stride.SequenceEqual([2L, 2]))
                throw Invalid($"{node.Describe()} ({name}) pads [{string.Join(", ", pads)}]: only one less at the end of a stride-2 op can match torchvision");
            var text = $"{name} [{string.Join(", ", pads)}]";
            if (!AsymmetricPads.Contains(text)) AsymmetricPads.Add(text);
        }

        private void MapBatchNorm(OnnxNode bn, string name)
        {
            if (bn.Inputs.Count != 5) throw Invalid($"{bn.Describe()} ({name}) has {bn.Inputs.Count} inputs, expected X, scale, B, mean, var");
            var epsilon = bn.Float("epsilon") ?? 1e-5f;
            if (epsilon != TorchvisionEpsilon)
                throw Invalid($"{bn.Describe()} ({name}) has epsilon {epsilon.ToString("R", CultureInfo.InvariantCulture)}, torchvision's BatchNorm2d uses 1e-5");
            if ((bn.Int("spatial") ?? 1) != 1) throw Invalid($"{bn.Describe()} ({name}) is not spatial (per-channel)");
            string[] fields = ["weight", "bias", "running_mean", "running_var"];
            long channels = -1;
            for (var k = 0; k < 4; k++)
            {
                var tensor = Initializer(bn.Inputs[k + 1], bn);
                if (tensor.Dims.Count != 1 || (channels >= 0 && tensor.Dims[0] != channels))
                    throw Invalid($"{bn.Describe()} ({name}) input '{tensor.Name}' has shape {tensor.ShapeText}, expected one value per channel");
                channels = tensor.Dims[0];
                Tensors[$"{name}.{fields[k]}"] = Float32Tensors.From(tensor);
            }
        }

        private OnnxTensor Initializer(string name, OnnxNode node)
        {
            if (!_graph.Initializers.TryGetValue(name, out var tensor) || tensor.DataType != OnnxDataType.Float)
                throw Invalid($"{node.Describe()} reads '{name}', which is not a float initializer");
            _used.Add(name);
            return tensor;
        }

        private long Kernel(OnnxNode conv) =>
            _graph.Initializers.TryGetValue(conv.Inputs.ElementAtOrDefault(1) ?? "", out var w) && w.Dims.Count == 4 ? w.Dims[2] : -1;

        private static long Stride(OnnxNode node) => node.Ints("strides") switch
        {
            [] => 1, // ONNX's default
            [var s, var t] when s == t => s,
            _ => -1,
        };

        private InvalidDataException Invalid(string problem) =>
            new($"ONNX file '{_model.Source}' is not a convertible ResNet of basic blocks: {problem}");
    }
}
