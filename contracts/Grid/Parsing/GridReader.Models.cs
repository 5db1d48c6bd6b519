using System.Globalization;
using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    /// <summary>Downstream models and the dataset kinds they accept (mlp flattens images).</summary>
    private static readonly Dictionary<string, DatasetKind[]> Models = new(StringComparer.Ordinal)
    {
        ["mlp"] = [DatasetKind.Vectors, DatasetKind.Image],
        ["cnn-small"] = [DatasetKind.Image],
        ["resnet18"] = [DatasetKind.Image],
        ["text-transformer"] = [DatasetKind.Text],
    };

    private DownstreamSpec? ReadDownstream(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, ["model", "init", "options"]);
        if (r is null) return null;
        var model = r.Required("model") is { } m ? JsonValues.OneOf(m, r.PathOf("model"), _problems, Models.Keys, "model") : null;
        if (model is not null && _kind is { } kind && !Models[model].Contains(kind))
            _problems.Add(r.PathOf("model"), $"model '{model}' needs {string.Join(" or ", Models[model].Select(KindName))} data, but dataset.kind is {KindName(kind)}");

        string? init = null;
        if (r.Optional("init", nullIsAbsent: true) is { } i && JsonValues.String(i, r.PathOf("init"), _problems) is { } file)
        {
            init = Resolve(file);
            CheckFile(r.PathOf("init"), init);
        }

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
        return _problems.Count > before ? null : new DownstreamSpec { Model = model!, Init = init, Options = knobs };
    }
}
