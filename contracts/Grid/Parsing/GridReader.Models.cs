using System.Globalization;
using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    private static readonly string[] DownstreamFields =
        ["model", "init", "config", "vocab", "layers", "pooling", "resolution", "newHead", "options"];

    private DownstreamSpec? ReadDownstream(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, DownstreamFields);
        if (r is null) return null;
        var name = r.Required("model") is { } m ? JsonValues.OneOf(m, r.PathOf("model"), _problems, DownstreamModels.Names, "model") : null;
        var info = name is null ? null : DownstreamModels.Get(name);
        if (info is not null && _kind is { } kind && !info.Accepts.Contains(kind))
            _problems.Add(r.PathOf("model"), $"model '{info.Name}' needs {string.Join(" or ", info.Accepts.Select(KindName))} data, but dataset.kind is {KindName(kind)}");

        var init = ReadInit(r, info);
        var (config, configFile) = ReadModelConfig(r);
        string? vocabulary = null;
        if (r.Optional("vocab", nullIsAbsent: true) is { } v && JsonValues.String(v, r.PathOf("vocab"), _problems) is { } vocabPath)
        {
            if (info is not null && !info.Accepts.Contains(DatasetKind.Text))
                _problems.Add(r.PathOf("vocab"), $"model '{info.Name}' takes no text, so it has no vocabulary");
            vocabulary = Resolve(vocabPath);
            CheckFile(r.PathOf("vocab"), vocabulary);
        }

        var layers = ReadLayers(r, info);
        string? pooling = null;
        if (r.Optional("pooling", nullIsAbsent: true) is { } p)
        {
            if (info is not null && info.Poolings.Count == 0)
                _problems.Add(r.PathOf("pooling"), $"model '{info.Name}' has no pooling choice");
            else if (info is not null)
                pooling = JsonValues.OneOf(p, r.PathOf("pooling"), _problems, info.Poolings, "pooling");
        }

        int? resolution = null;
        if (r.Optional("resolution", nullIsAbsent: true) is { } res)
        {
            if (info is not null && !info.HasResolution)
                _problems.Add(r.PathOf("resolution"), $"model '{info.Name}' takes its input at the dataset's size (resolution applies to {string.Join(", ", DownstreamModels.All.Where(x => x.HasResolution).Select(x => x.Name))})");
            else
                resolution = JsonValues.Int(res, r.PathOf("resolution"), _problems, 8, 1024, "an integer from 8 to 1024 (pixels, square)");
        }

        bool? newHead = null;
        if (r.Optional("newHead", nullIsAbsent: true) is { } h && JsonValues.Bool(h, r.PathOf("newHead"), _problems) is { } fresh)
        {
            newHead = fresh ? null : false;
            if (!fresh && init is null)
                _problems.Add(r.PathOf("newHead"), "false keeps the checkpoint's head, but there is no checkpoint (init is null)");
        }

        var knobs = ReadModelOptions(r);
        return _problems.Count > before ? null : new DownstreamSpec
        {
            Model = name!,
            Init = init,
            Options = knobs,
            Config = config,
            ConfigFile = configFile,
            Vocabulary = vocabulary,
            Layers = layers,
            Pooling = pooling,
            Resolution = resolution,
            NewHead = newHead,
        };
    }

    /// <summary><c>init</c>: null, an offline source that fits the model, or a checkpoint file.</summary>
    private string? ReadInit(ObjectReader r, DownstreamModelInfo? info)
    {
        if (r.Optional("init", nullIsAbsent: true) is not { } i || JsonValues.String(i, r.PathOf("init"), _problems) is not { } text) return null;
        if (OfflineCheckpoints.LooksOffline(text))
        {
            if (!OfflineCheckpoints.All.TryGetValue(text, out var models))
            {
                _problems.Add(r.PathOf("init"), $"{JsonValues.Quote(text)} is not an offline checkpoint (known: {Names(OfflineCheckpoints.All.Keys)}); a file path loads your own");
                return null;
            }
            if (info is not null && !models.Contains(info.Name))
                _problems.Add(r.PathOf("init"), $"{text} is a checkpoint for {Names(models)}, not for model '{info.Name}'");
            return text;
        }
        var file = Resolve(text);
        CheckFile(r.PathOf("init"), file);
        return file;
    }

    /// <summary><c>config</c>: an object (kept as canonical JSON) or the path of a config file.</summary>
    private (string? Inline, string? File) ReadModelConfig(ObjectReader r)
    {
        if (r.Optional("config", nullIsAbsent: true) is not { } c) return (null, null);
        var path = r.PathOf("config");
        switch (c.ValueKind)
        {
            case JsonValueKind.Object:
                return (CanonicalJson.Write(System.Text.Json.Nodes.JsonNode.Parse(c.GetRawText())!), null);
            case JsonValueKind.String:
                var file = Resolve(c.GetString()!);
                CheckFile(path, file);
                return (null, file);
            default:
                _problems.Add(path, $"expected an object (the architecture's config) or the path of a config file, got {JsonValues.Describe(c)}");
                return (null, null);
        }
    }

    private IReadOnlyList<int>? ReadLayers(ObjectReader r, DownstreamModelInfo? info)
    {
        if (r.Optional("layers", nullIsAbsent: true) is not { } l) return null;
        var path = r.PathOf("layers");
        if (info is not null && !info.HasLayers)
        {
            _problems.Add(path, $"model '{info.Name}' has no transformer layers to choose (layers applies to {Names(DownstreamModels.All.Where(x => x.HasLayers).Select(x => x.Name))})");
            return null;
        }
        const string rule = "a non-empty list of distinct layer indices (0-based, in the order the student stacks them)";
        var items = JsonValues.List(l, path, _problems, 1000, rule);
        if (items is null) return null;
        if (items.Count == 0)
        {
            _problems.Add(path, $"must be {rule}");
            return null;
        }
        var layers = new List<int>();
        for (var k = 0; k < items.Count; k++)
            if (JsonValues.Int(items[k], JsonPath.Index(path, k), _problems, 0, 999, "a layer index from 0 to 999") is { } index)
            {
                if (layers.Contains(index)) _problems.Add(JsonPath.Index(path, k), $"layer {index} is listed twice");
                layers.Add(index);
            }
        return layers;
    }

    private SortedDictionary<string, string> ReadModelOptions(ObjectReader r)
    {
        var knobs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (r.Optional("options", nullIsAbsent: true) is { } o && ObjectReader.Open(o, r.PathOf("options"), _problems, allowed: null) is { } or)
        {
            foreach (var (key, value) in or.Fields)
            {
                var keyPath = or.PathOf(key);
                if (key.Length is 0 or > 64) _problems.Add(keyPath, "option names must be 1-64 characters");
                else if (value.ValueKind == JsonValueKind.String) knobs[key] = value.GetString()!;
                else if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) knobs[key] = value.GetBoolean() ? "true" : "false";
                else if (JsonValues.Number(value, keyPath, _problems, _ => true, "a string, number or true/false") is { } d)
                    knobs[key] = d.ToString("R", CultureInfo.InvariantCulture);
            }
        }
        return knobs;
    }
}
