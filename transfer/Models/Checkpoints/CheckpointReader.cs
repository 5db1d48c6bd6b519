using System.Text.Json;
using System.Text.Json.Nodes;
using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// Opens what a downstream spec names: the checkpoint (a safetensors or TorchSharp file, or an offline source),
/// the config (a config file, else the one beside the checkpoint or the offline source's; the grid's inline config
/// object overlays it key by key), and for text students the vocabulary and its casing. The files are the ones
/// <see cref="CheckpointFiles"/> resolves, so what is read is what the trial id hashed.
/// </summary>
public static class CheckpointReader
{
    /// <summary>The spec's checkpoint and side files, or null when it names none (random init, preset config).</summary>
    public static Checkpoint? Open(DownstreamSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var files = CheckpointFiles.Of(spec);
        var weights = spec.Init switch
        {
            null => null,
            var id when OfflineCheckpoints.IsOffline(id) => OfflineCheckpointLibrary.Open(id),
            var path => FromFile(path),
        };

        var config = files.Config is { } configFile ? ReadText(configFile, "config") : weights?.ConfigJson;
        if (spec.Config is { } inline) config = Overlay(config, inline, files.Config ?? weights?.Source);
        if (config is not null) CheckJsonObject(config, files.Config ?? spec.Init ?? "downstream.config");
        var vocabulary = files.Vocabulary is { } vocabFile ? ReadBytes(vocabFile, "vocabulary") : weights?.Vocabulary;
        var lowerCase = files.TokenizerConfig is { } tokenizerFile ? LowerCaseOf(tokenizerFile) : weights?.LowerCase;

        if (weights is null && config is null && vocabulary is null) return null;
        return new Checkpoint
        {
            Source = weights?.Source ?? files.Config ?? files.Vocabulary ?? "downstream.config",
            Tensors = weights?.Tensors ?? new Dictionary<string, CheckpointTensor>(),
            ConfigJson = config,
            Vocabulary = vocabulary,
            LowerCase = lowerCase,
            Preprocessing = weights?.Preprocessing,
            Description = weights?.Description,
        };
    }

    /// <summary>A checkpoint file by its extension: .safetensors, anything else TorchSharp's format.</summary>
    public static Checkpoint FromFile(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found");
        var tensors = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafetensorsFile.Read(path)
            : TorchSharpWeightsFile.Read(path);
        return new Checkpoint { Source = path, Tensors = tensors };
    }

    private static string Overlay(string? baseJson, string inline, string? baseSource)
    {
        var merged = baseJson is null ? new JsonObject() : ParseObject(baseJson, baseSource ?? "config");
        foreach (var (key, value) in ParseObject(inline, "downstream.config")) merged[key] = value?.DeepClone();
        return merged.ToJsonString();
    }

    private static JsonObject ParseObject(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new CheckpointException(source, "the config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(source, $"the config is not valid JSON: {e.Message}");
        }
    }

    private static void CheckJsonObject(string json, string source) => ParseObject(json, source);

    /// <summary>tokenizer_config.json's do_lower_case; null when absent.</summary>
    private static bool? LowerCaseOf(string path)
    {
        var json = ParseObject(ReadText(path, "tokenizer config"), path);
        return json["do_lower_case"] is JsonValue v && v.TryGetValue<bool>(out var lower) ? lower : null;
    }

    private static string ReadText(string path, string what) => File.Exists(path)
        ? File.ReadAllText(path)
        : throw new CheckpointException(path, $"the {what} file does not exist");

    private static byte[] ReadBytes(string path, string what) => File.Exists(path)
        ? File.ReadAllBytes(path)
        : throw new CheckpointException(path, $"the {what} file does not exist");
}
