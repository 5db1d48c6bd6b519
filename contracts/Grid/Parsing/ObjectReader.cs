using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>
/// Reads one JSON object of the grid: reports duplicate keys and unknown fields (with a "did you mean") up front,
/// then hands out fields by name and reports the required ones that are missing.
/// </summary>
internal sealed class ObjectReader
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly ProblemList _problems;

    private ObjectReader(string path, ProblemList problems)
    {
        Path = path;
        _problems = problems;
    }

    public string Path { get; }

    /// <summary>Null (with a problem reported) when <paramref name="element"/> is not an object. A null
    /// <paramref name="allowed"/> accepts every key (objects whose keys are user data).</summary>
    public static ObjectReader? Open(JsonElement element, string path, ProblemList problems, IReadOnlyCollection<string>? allowed,
        Func<string, string?>? explainUnknown = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(path, $"must be an object, got {JsonValues.Describe(element)}");
            return null;
        }
        var reader = new ObjectReader(path, problems);
        foreach (var property in element.EnumerateObject())
        {
            var childPath = JsonPath.Child(path, property.Name);
            if (!reader._fields.TryAdd(property.Name, property.Value))
            {
                problems.Add(childPath, "appears more than once");
                continue;
            }
            if (allowed is not null && !allowed.Contains(property.Name))
            {
                problems.Add(childPath, explainUnknown?.Invoke(property.Name)
                    ?? $"unknown field{Suggest.DidYouMean(property.Name, allowed)}");
                reader._fields.Remove(property.Name);
            }
        }
        return reader;
    }

    public string PathOf(string name) => JsonPath.Child(Path, name);

    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>The field, or null when absent. A JSON null counts as absent only when <paramref name="nullIsAbsent"/>.</summary>
    public JsonElement? Optional(string name, bool nullIsAbsent = false)
    {
        if (!_fields.TryGetValue(name, out var value)) return null;
        return nullIsAbsent && value.ValueKind == JsonValueKind.Null ? null : value;
    }

    public JsonElement? Required(string name, string? what = null)
    {
        if (_fields.TryGetValue(name, out var value)) return value;
        _problems.Add(PathOf(name), what is null ? "required field is missing" : $"required field is missing: {what}");
        return null;
    }

    /// <summary>Reports a field that is present but does not apply in this context.</summary>
    public void Forbid(string name, string why)
    {
        if (_fields.ContainsKey(name)) _problems.Add(PathOf(name), why);
    }

    public IEnumerable<KeyValuePair<string, JsonElement>> Fields => _fields;
}
