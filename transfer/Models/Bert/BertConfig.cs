using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// A BERT encoder's shape, read from a Hugging Face <c>config.json</c> (transformers' BertConfig field names).
/// The five size fields are required; the others default as transformers does (512 positions, 2 token types,
/// layer-norm eps 1e-12, GELU, [PAD] id 0, initializer_range 0.02). <c>model_type</c>, when present, must be "bert", and
/// <c>position_embedding_type</c>, when present, "absolute": other encoders have other layouts.
/// </summary>
public sealed record BertConfig(
    int VocabSize,
    int HiddenSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int IntermediateSize,
    int MaxPositionEmbeddings = 512,
    int TypeVocabSize = 2,
    double LayerNormEps = 1e-12,
    string HiddenAct = BertConfig.Gelu,
    int PadTokenId = 0,
    double InitializerRange = 0.02)
{
    /// <summary>Exact GELU, x Φ(x) (transformers' "gelu").</summary>
    public const string Gelu = "gelu";
    /// <summary>The tanh approximation of GELU (transformers' "gelu_new", also spelled "gelu_pytorch_tanh").</summary>
    public const string GeluTanh = "gelu_new";
    public const string Relu = "relu";

    public static readonly IReadOnlyList<string> Activations = [Gelu, GeluTanh, "gelu_pytorch_tanh", Relu];

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Parses config.json text; <paramref name="source"/> (a file name) is named in every error.</summary>
    public static BertConfig Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"BERT config '{source}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"BERT config '{source}' must be a JSON object, got {root.ValueKind}");
            if (OptionalString(root, source, "model_type") is { } type && type != "bert")
                throw new InvalidDataException($"BERT config '{source}': model_type is '{type}', expected 'bert' (this student is the BertModel layout)");
            if (OptionalString(root, source, "position_embedding_type") is { } positions && positions != "absolute")
                throw new InvalidDataException($"BERT config '{source}': position_embedding_type '{positions}' is not supported (only 'absolute')");
            var config = new BertConfig(
                RequiredInt(root, source, "vocab_size"),
                RequiredInt(root, source, "hidden_size"),
                RequiredInt(root, source, "num_hidden_layers"),
                RequiredInt(root, source, "num_attention_heads"),
                RequiredInt(root, source, "intermediate_size"),
                OptionalInt(root, source, "max_position_embeddings") ?? 512,
                OptionalInt(root, source, "type_vocab_size") ?? 2,
                OptionalDouble(root, source, "layer_norm_eps") ?? 1e-12,
                OptionalString(root, source, "hidden_act") ?? Gelu,
                OptionalInt(root, source, "pad_token_id", allowZero: true) ?? 0,
                OptionalDouble(root, source, "initializer_range") ?? 0.02);
            config.Validate(source);
            return config;
        }
    }

    /// <summary>Throws when the sizes do not make a BERT (e.g. a width the heads do not divide).</summary>
    public void Validate(string source)
    {
        foreach (var (name, value) in new[] { ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("num_hidden_layers", NumHiddenLayers),
                     ("num_attention_heads", NumAttentionHeads), ("intermediate_size", IntermediateSize),
                     ("max_position_embeddings", MaxPositionEmbeddings), ("type_vocab_size", TypeVocabSize) })
            if (value <= 0) throw new InvalidDataException($"BERT config '{source}': {name} must be a positive integer, got {value}");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException(
                $"BERT config '{source}': hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}");
        if (!Activations.Contains(HiddenAct))
            throw new InvalidDataException(
                $"BERT config '{source}': hidden_act '{HiddenAct}' is not supported (one of {string.Join(", ", Activations)})");
        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
            throw new InvalidDataException($"BERT config '{source}': layer_norm_eps must be a positive number, got {LayerNormEps}");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new InvalidDataException($"BERT config '{source}': pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}");
    }

    /// <summary>The config as Hugging Face config.json text (BertModel, the fields transformers reads).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("architectures");
            writer.WriteStringValue("BertModel");
            writer.WriteEndArray();
            writer.WriteString("model_type", "bert");
            writer.WriteNumber("vocab_size", VocabSize);
            writer.WriteNumber("hidden_size", HiddenSize);
            writer.WriteNumber("num_hidden_layers", NumHiddenLayers);
            writer.WriteNumber("num_attention_heads", NumAttentionHeads);
            writer.WriteNumber("intermediate_size", IntermediateSize);
            writer.WriteString("hidden_act", HiddenAct);
            writer.WriteNumber("max_position_embeddings", MaxPositionEmbeddings);
            writer.WriteNumber("type_vocab_size", TypeVocabSize);
            writer.WritePropertyName("layer_norm_eps");
            writer.WriteRawValue(LayerNormEps.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()); // 1e-12, as transformers writes it
            writer.WriteNumber("pad_token_id", PadTokenId);
            writer.WritePropertyName("initializer_range");
            writer.WriteRawValue(InitializerRange.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant());
            writer.WriteString("position_embedding_type", "absolute");
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int RequiredInt(JsonElement root, string source, string name) =>
        OptionalInt(root, source, name) ?? throw new InvalidDataException($"BERT config '{source}': required field '{name}' is missing");

    private static int? OptionalInt(JsonElement root, string source, string name, bool allowZero = false)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 0 || (n == 0 && !allowZero))
            throw new InvalidDataException($"BERT config '{source}': '{name}' must be a positive integer, got {value.GetRawText()}");
        return n;
    }

    private static double? OptionalDouble(JsonElement root, string source, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var x) || !(x > 0))
            throw new InvalidDataException($"BERT config '{source}': '{name}' must be a positive number, got {value.GetRawText()}");
        return x;
    }

    private static string? OptionalString(JsonElement root, string source, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString()
            : throw new InvalidDataException($"BERT config '{source}': '{name}' must be a string, got {value.GetRawText()}");
    }
}
