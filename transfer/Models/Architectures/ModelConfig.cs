using System.Text.Json;
using System.Text.Json.Nodes;
using AftSweep.Transfer.Models.Checkpoints;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>An architecture's config (JSON, Hugging Face key names where the family has them), read key by key with
/// errors naming the key and where the config came from.</summary>
public sealed class ModelConfig
{
    private readonly JsonObject _json;

    public ModelConfig(string? json, string source)
    {
        Source = source;
        try
        {
            _json = json is null ? new JsonObject() : JsonNode.Parse(json) as JsonObject ?? throw new CheckpointException(source, "the config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(source, $"the config is not valid JSON: {e.Message}");
        }
    }

    public string Source { get; }
    public bool IsEmpty => _json.Count == 0;
    public bool Has(string key) => _json.ContainsKey(key) && _json[key] is not null;

    public int Int(string key, int? fallback = null, int min = 1, int max = int.MaxValue)
    {
        if (!Has(key)) return fallback ?? throw Missing(key);
        return _json[key] is JsonValue v && v.TryGetValue<int>(out var x) && x >= min && x <= max ? x
            : throw Bad(key, $"an integer from {min} to {max}");
    }

    public double Double(string key, double? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key);
        return _json[key] is JsonValue v && v.TryGetValue<double>(out var x) && double.IsFinite(x) ? x : throw Bad(key, "a number");
    }

    public string String(string key, string? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key);
        return _json[key] is JsonValue v && v.TryGetValue<string>(out var x) ? x : throw Bad(key, "a string");
    }

    /// <summary>A list of <paramref name="count"/> integers, or null when absent.</summary>
    public int[]? Ints(string key, int count, int min = 1)
    {
        if (!Has(key)) return null;
        if (_json[key] is not JsonArray a || a.Count != count) throw Bad(key, $"a list of {count} integers");
        return a.Select(n => n is JsonValue v && v.TryGetValue<int>(out var x) && x >= min ? x : throw Bad(key, $"a list of {count} integers of at least {min}")).ToArray();
    }

    public float[]? Floats(string key, int count)
    {
        if (!Has(key)) return null;
        if (_json[key] is not JsonArray a || a.Count != count) throw Bad(key, $"a list of {count} numbers");
        return a.Select(n => n is JsonValue v && v.TryGetValue<double>(out var x) ? (float)x : throw Bad(key, $"a list of {count} numbers")).ToArray();
    }

    private CheckpointException Missing(string key) => new(Source, $"the config has no '{key}' (docs/models.md lists each architecture's keys)");
    private CheckpointException Bad(string key, string what) => new(Source, $"config key '{key}' must be {what}, got {_json[key]?.ToJsonString()}");
}
