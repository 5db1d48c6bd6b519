using System.Text.Json;

namespace AftSweep.Tests.Conformance;

/// <summary>
/// The conformance vectors file: the shipped tests/Vectors/regularisers.json, or the file named by
/// AFTSWEEP_CONFORMANCE_VECTORS so any vectors file generated the same way runs through the same tests.
/// </summary>
public static class ConformanceVectors
{
    public const string EnvironmentVariable = "AFTSWEEP_CONFORMANCE_VECTORS";

    private static readonly Lazy<(string Path, Dictionary<string, JsonElement> Cases)> Loaded = new(Load);

    public static string FilePath => Loaded.Value.Path;

    public static IEnumerable<string> CaseNames => Loaded.Value.Cases.Keys;

    public static JsonElement Case(string name) =>
        Loaded.Value.Cases.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"{FilePath}: no case named '{name}'");

    private static (string, Dictionary<string, JsonElement>) Load()
    {
        var path = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } custom
            ? custom
            : Path.Combine(AppContext.BaseDirectory, "Vectors", "regularisers.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"conformance vectors file not found: {path}", path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{path}: expected a top-level 'cases' array");
        var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var index = 0;
        foreach (var c in cases.EnumerateArray())
        {
            if (!c.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } caseName)
                throw new FormatException($"{path}: cases[{index}] has no 'name'");
            if (!byName.TryAdd(caseName, c.Clone())) throw new FormatException($"{path}: duplicate case name '{caseName}'");
            index++;
        }
        if (byName.Count == 0) throw new FormatException($"{path}: 'cases' is empty");
        return (path, byName);
    }
}
