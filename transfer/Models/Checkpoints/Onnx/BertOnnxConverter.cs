using System.Globalization;
using System.Text;
using AftSweep.Transfer.Models.Bert;
using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// Converts a BERT encoder exported to ONNX by PyTorch (transformers' BertModel through torch.onnx.export) back to
/// the Hugging Face BertModel state dict and config.json. The exporter keeps most parameter names but turns each
/// nn.Linear into MatMul(x, W) + bias with W = weight^T stored under a meaningless name (<c>927</c>,
/// <c>onnx::MatMul_788</c>); every such W is named by following the graph: the Add that consumes the product
/// reads the initializer <c>&lt;module&gt;.bias</c>, so W is <c>&lt;module&gt;.weight</c> transposed. Gemm
/// (the pooler) is handled the same way through its bias input. Nothing is matched by position. The config's sizes
/// come from the tensors; the head count from the Reshape that splits the query projection into heads; the
/// layer-norm epsilon from the decomposed LayerNorm's constant (or LayerNormalization's attribute); the activation
/// from the ops after the intermediate projection (Erf: exact GELU; Tanh: the tanh approximation).
/// </summary>
public static class BertOnnxConverter
{
    private const string PositionIds = "embeddings.position_ids";

    /// <param name="model">The exported encoder.</param>
    /// <param name="vocabulary">Its vocab.txt bytes (checked against the embedding rows; gives the [PAD] id), or null.</param>
    /// <param name="source">The checkpoint's name, e.g. <c>onnx:minilm</c>.</param>
    /// <param name="origin">Where the file comes from, for the description (package and model name).</param>
    public static OnnxConversion Convert(OnnxModel model, byte[]? vocabulary, string source, string origin)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var tensors = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var transposed = new List<string>(); // weights stored [in, out], transposed back
        var gemms = new List<string>();      // Gemm weights, named through their bias input
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "MatMul" && MapMatMul(model, node, tensors, consumed) is { } name) transposed.Add(name);
            else if (node.OpType == "Gemm" && MapGemm(model, node, tensors, consumed) is { } gemm) gemms.Add(gemm);
        }

        var dropped = new List<string>();
        var shapeConstants = 0;
        foreach (var (name, tensor) in graph.Initializers)
        {
            if (consumed.Contains(name)) continue;
            if (tensor.DataType != OnnxDataType.Float || tensor.Dims.Count == 0)
            {
                // Not weights: the position-index buffer, reshape targets, scalar constants of the arithmetic.
                if (name == PositionIds || tensor.Dims.Count == 0) dropped.Add(name);
                else shapeConstants++;
                continue;
            }
            if (!tensors.TryAdd(name, Float32Tensors.From(tensor)))
                throw Invalid(model, $"initializer '{name}' collides with a weight mapped from a MatMul");
        }

        var config = InferConfig(model, tensors, vocabulary);
        CheckNamesAndShapes(model, config, tensors);
        var withPooler = tensors.ContainsKey("pooler.dense.weight");
        var description = Describe(model, config, origin, source, tensors, withPooler, transposed.Count, gemms, dropped, shapeConstants);
        return new OnnxConversion(source, tensors, config.ToJson(), vocabulary, null, description);
    }

    /// <summary>MatMul(x, W) with W an initializer: named through the bias Add its product flows into. Returns the weight's name.</summary>
    private static string? MapMatMul(OnnxModel model, OnnxNode node, Dictionary<string, StoredTensor> tensors, HashSet<string> consumed)
    {
        var graph = model.Graph;
        if (node.Inputs.Count != 2) return null;
        if (graph.Initializers.ContainsKey(node.Inputs[0]))
            throw Invalid(model, $"{node.Describe()} multiplies an initializer from the left ('{node.Inputs[0]}'); only x @ W is supported");
        if (!graph.Initializers.TryGetValue(node.Inputs[1], out var weight)) return null; // activations times activations
        if (weight.DataType != OnnxDataType.Float || weight.Dims.Count != 2)
            throw Invalid(model, $"{node.Describe()} multiplies by initializer '{weight.Name}' ({weight.DataType} {weight.ShapeText}), expected a float matrix");
        var module = BiasModule(model, node, node.Outputs[0], weight.Dims[1]);
        Add(model, tensors, module + ".weight", Float32Tensors.Transposed(weight), node);
        consumed.Add(weight.Name);
        return module + ".weight";
    }

    /// <summary>
    /// Gemm(x, B, C) = x B' + C with C the bias initializer: B' is the weight, B itself when transB = 1. Returns a
    /// description of the mapping.
    /// </summary>
    private static string? MapGemm(OnnxModel model, OnnxNode node, Dictionary<string, StoredTensor> tensors, HashSet<string> consumed)
    {
        var graph = model.Graph;
        if (node.Inputs.Count < 2 || !graph.Initializers.TryGetValue(node.Inputs[1], out var weight)) return null;
        if ((node.Int("transA") ?? 0) != 0 || (node.Float("alpha") ?? 1f) != 1f || (node.Float("beta") ?? 1f) != 1f)
            throw Invalid(model, $"{node.Describe()} has transA/alpha/beta other than 0/1/1; only x W^T + b is supported");
        if (node.Inputs.Count < 3 || !graph.Initializers.TryGetValue(node.Inputs[2], out var bias) || !bias.Name.EndsWith(".bias", StringComparison.Ordinal))
            throw Invalid(model, $"{node.Describe()} has no '<module>.bias' initializer as its third input, so its weight '{weight.Name}' cannot be named");
        var module = bias.Name[..^".bias".Length];
        var transB = (node.Int("transB") ?? 0) == 1;
        Add(model, tensors, module + ".weight", transB ? Float32Tensors.From(weight) : Float32Tensors.Transposed(weight), node);
        consumed.Add(weight.Name);
        return transB ? $"'{weight.Name}' (a Gemm with transB = 1, kept as stored)" : $"'{weight.Name}' (a Gemm operand, transposed to [out, in])";
    }

    /// <summary>The module whose bias is added to <paramref name="product"/>: the Add's other input names it.</summary>
    private static string BiasModule(OnnxModel model, OnnxNode matMul, string product, long outFeatures)
    {
        var adds = model.Graph.Consumers(product);
        if (adds.Count != 1 || adds[0].OpType != "Add")
            throw Invalid(model, $"{matMul.Describe()} multiplies by an initializer, but its product goes to " +
                $"{(adds.Count == 0 ? "nothing" : string.Join(", ", adds.Select(a => a.Describe())))}, not to one Add of a '<module>.bias' initializer, so the weight cannot be named");
        var add = adds[0];
        var biasName = add.Inputs.FirstOrDefault(i => i != product) ?? "";
        if (!model.Graph.Initializers.TryGetValue(biasName, out var bias) || !biasName.EndsWith(".bias", StringComparison.Ordinal))
            throw Invalid(model, $"{matMul.Describe()}'s product is added by {add.Describe()} to '{biasName}', which is not a '<module>.bias' initializer, so the weight cannot be named");
        if (bias.Dims.Count != 1 || bias.Dims[0] != outFeatures)
            throw Invalid(model, $"bias '{biasName}' has shape {bias.ShapeText} but {matMul.Describe()} produces {outFeatures} features");
        return biasName[..^".bias".Length];
    }

    private static void Add(OnnxModel model, Dictionary<string, StoredTensor> tensors, string name, StoredTensor tensor, OnnxNode node)
    {
        if (!tensors.TryAdd(name, tensor))
            throw Invalid(model, $"two operators map to '{name}' (the second is {node.Describe()})");
    }

    private static BertConfig InferConfig(OnnxModel model, Dictionary<string, StoredTensor> tensors, byte[]? vocabulary)
    {
        long[] Shape(string name) => tensors.TryGetValue(name, out var t) ? t.Shape
            : throw Invalid(model, $"tensor '{name}' is missing (every BertModel has it)");
        var words = Shape("embeddings.word_embeddings.weight");
        var hidden = words[1];
        var layerIndices = tensors.Keys
            .Select(k => k.StartsWith("encoder.layer.", StringComparison.Ordinal) ? k["encoder.layer.".Length..].Split('.')[0] : null)
            .Where(s => s is not null).Distinct()
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i
                : throw Invalid(model, $"'encoder.layer.{s}' is not a numbered layer"))
            .Order().ToArray();
        if (layerIndices.Length == 0) throw Invalid(model, "no encoder.layer.* tensors");
        if (layerIndices[^1] != layerIndices.Length - 1)
            throw Invalid(model, $"encoder layers are numbered {string.Join(", ", layerIndices)}, not 0..{layerIndices.Length - 1}");

        var heads = layerIndices.Select(i => HeadCount(model, i)).Distinct().ToArray();
        if (heads.Length != 1) throw Invalid(model, $"layers split the attention into different head counts: {string.Join(", ", heads)}");
        var eps = LayerNormEpsilons(model, tensors.Keys).Distinct().ToArray();
        if (eps.Length != 1) throw Invalid(model, $"LayerNorms use different epsilons: {string.Join(", ", eps)}");
        var activations = layerIndices.Select(i => Activation(model, i)).Distinct().ToArray();
        if (activations.Length != 1) throw Invalid(model, $"layers use different activations: {string.Join(", ", activations)}");

        var padId = 0;
        if (vocabulary is not null)
        {
            var lines = Encoding.UTF8.GetString(vocabulary).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
            if (lines.Count != words[0])
                throw Invalid(model, $"the vocabulary has {lines.Count} tokens but embeddings.word_embeddings.weight has {words[0]} rows");
            padId = Math.Max(0, lines.IndexOf("[PAD]"));
        }
        var config = new BertConfig(
            VocabSize: checked((int)words[0]),
            HiddenSize: checked((int)hidden),
            NumHiddenLayers: layerIndices.Length,
            NumAttentionHeads: heads[0],
            IntermediateSize: checked((int)Shape("encoder.layer.0.intermediate.dense.bias")[0]),
            MaxPositionEmbeddings: checked((int)Shape("embeddings.position_embeddings.weight")[0]),
            TypeVocabSize: checked((int)Shape("embeddings.token_type_embeddings.weight")[0]),
            LayerNormEps: eps[0],
            HiddenAct: activations[0],
            PadTokenId: padId);
        try
        {
            config.Validate(model.Source);
        }
        catch (InvalidDataException e)
        {
            throw Invalid(model, $"the inferred config is not a BERT: {e.Message}");
        }
        return config;
    }

    /// <summary>Heads of layer <paramref name="layer"/>: the Reshape of the query projection to (B, L, heads, head_dim).</summary>
    private static int HeadCount(OnnxModel model, int layer)
    {
        var graph = model.Graph;
        var bias = $"encoder.layer.{layer}.attention.self.query.bias";
        var add = graph.Consumers(bias).FirstOrDefault(n => n.OpType == "Add")
            ?? throw Invalid(model, $"no Add reads '{bias}', so the query projection of layer {layer} cannot be found");
        var reshape = graph.Consumers(add.Outputs[0]).FirstOrDefault(n => n.OpType == "Reshape")
            ?? throw Invalid(model, $"the query projection of layer {layer} ({add.Describe()}) is not reshaped into heads");
        var target = ShapeValues(graph, reshape.Inputs[1]);
        if (target is not { Length: 4 } || target[2] is not { } heads || target[3] is not { } headDim || heads <= 0 || headDim <= 0)
            throw Invalid(model, $"{reshape.Describe()} (layer {layer} query heads) reshapes to [{string.Join(", ", target?.Select(v => v?.ToString(CultureInfo.InvariantCulture) ?? "?") ?? ["?"])}], " +
                "expected (batch, length, heads, head_dim) with constant heads and head_dim");
        var hidden = graph.Initializers[bias].Dims[0];
        if (heads * headDim != hidden)
            throw Invalid(model, $"{reshape.Describe()} splits {hidden} features into {heads} heads of {headDim}");
        return checked((int)heads);
    }

    /// <summary>A shape tensor's entries where they are constant (null where computed at run time).</summary>
    private static long?[]? ShapeValues(OnnxGraph graph, string value)
    {
        if (graph.Constant(value) is { } constant) return constant.ToInt64s().Select(v => (long?)v).ToArray();
        var concat = graph.Producer(value);
        if (concat is not { OpType: "Concat" }) return null;
        var entries = new List<long?>();
        foreach (var input in concat.Inputs)
        {
            if (graph.Constant(input) is { } part) entries.AddRange(part.ToInt64s().Select(v => (long?)v));
            else if (graph.Producer(input) is { OpType: "Unsqueeze" }) entries.Add(null); // one dynamic entry (batch or length)
            else return null;
        }
        return entries.ToArray();
    }

    /// <summary>The epsilon of every LayerNorm: LayerNormalization's attribute or, decomposed, Mul(Div(x - mean, Sqrt(var + eps)), weight).</summary>
    private static IEnumerable<double> LayerNormEpsilons(OnnxModel model, IEnumerable<string> names)
    {
        var graph = model.Graph;
        foreach (var weight in names.Where(n => n.EndsWith(".LayerNorm.weight", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var user = graph.Consumers(weight).FirstOrDefault()
                ?? throw Invalid(model, $"no operator reads '{weight}'");
            if (user.OpType == "LayerNormalization")
            {
                yield return ShortestDouble(user.Float("epsilon") ?? 1e-5f);
                continue;
            }
            var div = user.OpType == "Mul" ? graph.Producer(user.Inputs.First(i => i != weight)) : null;
            var sqrt = div is { OpType: "Div" } ? graph.Producer(div.Inputs[1]) : null;
            var add = sqrt is { OpType: "Sqrt" } ? graph.Producer(sqrt.Inputs[0]) : null;
            var epsilon = add is { OpType: "Add" } ? add.Inputs.Select(graph.Constant).FirstOrDefault(c => c is not null) : null;
            if (epsilon is null)
                throw Invalid(model, $"'{weight}' is read by {user.Describe()}, not by a LayerNormalization or the decomposed form Mul(Div(x - mean, Sqrt(var + eps)), weight)");
            yield return epsilon.DataType == OnnxDataType.Float ? ShortestDouble(epsilon.ToFloats()[0]) : epsilon.ToScalar();
        }
    }

    /// <summary>The activation after layer <paramref name="layer"/>'s intermediate projection, from the ops that follow it.</summary>
    private static string Activation(OnnxModel model, int layer)
    {
        var graph = model.Graph;
        var bias = $"encoder.layer.{layer}.intermediate.dense.bias";
        var add = graph.Consumers(bias).FirstOrDefault(n => n.OpType == "Add")
            ?? throw Invalid(model, $"no Add reads '{bias}'");
        // The ops between the projection and the next MatMul, a few steps deep (GELU decomposes into 5 or 8).
        var ops = new List<OnnxNode>();
        var frontier = new List<string> { add.Outputs[0] };
        for (var depth = 0; depth < 8 && frontier.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var node in frontier.SelectMany(graph.Consumers).Distinct())
            {
                if (node.OpType is "MatMul" or "Gemm") continue;
                ops.Add(node);
                next.AddRange(node.Outputs);
            }
            frontier = next;
        }
        if (ops.FirstOrDefault(n => n.OpType == "Gelu") is { } gelu)
            return gelu.Attribute("approximate")?.String == "tanh" ? BertConfig.GeluTanh : BertConfig.Gelu;
        if (ops.Any(n => n.OpType == "Erf")) return BertConfig.Gelu;
        if (ops.Any(n => n.OpType == "Tanh")) return BertConfig.GeluTanh;
        if (graph.Consumers(add.Outputs[0]).Any(n => n.OpType == "Relu")) return BertConfig.Relu;
        throw Invalid(model, $"the activation after {add.Describe()} is none of GELU (Erf), tanh-GELU (Tanh) or ReLU: it is {string.Join(", ", ops.Select(n => n.OpType).Distinct())}");
    }

    private static void CheckNamesAndShapes(OnnxModel model, BertConfig config, Dictionary<string, StoredTensor> tensors)
    {
        var expected = BertParameterNames.Expected(config, withPooler: tensors.ContainsKey("pooler.dense.weight"));
        var unexpected = tensors.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        if (unexpected.Length > 0)
            throw Invalid(model, $"{unexpected.Length} tensor(s) are not BertModel parameters: " +
                string.Join(", ", unexpected.Take(5).Select(k => $"'{k}' {tensors[k].ShapeText}")) + (unexpected.Length > 5 ? ", ..." : ""));
        foreach (var (name, shape) in expected)
        {
            if (!tensors.TryGetValue(name, out var tensor))
                throw Invalid(model, $"tensor '{name}' ({Text(shape)}) is missing");
            if (!tensor.Shape.SequenceEqual(shape))
                throw Invalid(model, $"tensor '{name}' has shape {tensor.ShapeText}, expected {Text(shape)} for the inferred config");
        }
    }

    private static string Describe(OnnxModel model, BertConfig config, string origin, string source, Dictionary<string, StoredTensor> tensors, bool withPooler,
        int transposed, List<string> gemms, List<string> dropped, int shapeConstants)
    {
        var droppedText = new List<string>();
        if (dropped.Count > 0) droppedText.Add(string.Join(", ", dropped.Select(d => $"'{d}'")) + (dropped.Contains(PositionIds) ? " (an index buffer)" : ""));
        if (shapeConstants > 0) droppedText.Add($"{shapeConstants} int64 shape and index constants of the graph's arithmetic");
        var eps = config.LayerNormEps.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
        return $"{source}: {origin}, read from its ONNX export ({model.ProducerText}). A {config.NumHiddenLayers}-layer BERT encoder " +
            $"(hidden {config.HiddenSize}, {config.NumAttentionHeads} heads of {config.HeadDim}, intermediate {config.IntermediateSize}, " +
            $"{config.HiddenAct}, vocabulary {config.VocabSize}, {config.MaxPositionEmbeddings} positions, {config.TypeVocabSize} token types, " +
            $"LayerNorm eps {eps}) as {tensors.Count} float32 tensors ({Float32Tensors.CountText(tensors.Values)} values) in Hugging Face BertModel names{(withPooler ? " (pooler included)" : " (the export has no pooler)")}. " +
            $"The export stored {transposed} Linear weights as the transposed [in, out] right operands of MatMul under generated names; each was named by " +
            $"the '<module>.bias' initializer added to its product and transposed back to [out, in]. " +
            (gemms.Count > 0 ? $"Named through the bias input of their Gemm: {string.Join(", ", gemms)}. " : "") +
            "Every other tensor kept its exported name and values. " +
            (droppedText.Count > 0 ? $"Dropped as not weights: {string.Join("; ", droppedText)}. " : "") +
            "No weights were folded, fused or re-quantised: the values are the exported checkpoint's.";
    }

    private static double ShortestDouble(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static InvalidDataException Invalid(OnnxModel model, string problem) =>
        new($"ONNX file '{model.Source}' is not a convertible BERT encoder: {problem}");
}
