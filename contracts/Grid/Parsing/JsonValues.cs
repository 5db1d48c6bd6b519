using System.Text.Json;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Typed reads of JSON values; each reports a precise problem and returns null when the value is wrong.</summary>
internal static class JsonValues
{
    /// <summary>Numbers beyond this are refused as "huge": no grid setting is meaningful past it.</summary>
    public const double MaxMagnitude = 1e12;

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string {Quote(e.GetString()!)}",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => "null",
    };

    public static string Quote(string s) => JsonSerializer.Serialize(s.Length > 60 ? s[..60] + "..." : s);

    public static string? String(JsonElement e, string path, ProblemList problems, int maxLength = 4096)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            problems.Add(path, $"must be a string, got {Describe(e)}");
            return null;
        }
        var s = e.GetString()!;
        if (s.Length == 0)
        {
            problems.Add(path, "must not be empty");
            return null;
        }
        if (s.Length > maxLength)
        {
            problems.Add(path, $"is too long ({s.Length} characters; at most {maxLength})");
            return null;
        }
        return s;
    }

    public static bool? Bool(JsonElement e, string path, ProblemList problems)
    {
        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.GetBoolean();
        problems.Add(path, $"must be true or false, got {Describe(e)}");
        return null;
    }

    /// <summary>An integer in [min, max]; <paramref name="rule"/> describes the range in the message.</summary>
    public static int? Int(JsonElement e, string path, ProblemList problems, int min, int max, string rule)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= min && v <= max) return (int)v;
        problems.Add(path, $"must be {rule}, got {Describe(e)}");
        return null;
    }

    /// <summary>A finite number no larger than <see cref="MaxMagnitude"/> that satisfies <paramref name="accept"/>.</summary>
    public static double? Number(JsonElement e, string path, ProblemList problems, Func<double, bool> accept, string rule)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v) && double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude && accept(v))
            return v;
        problems.Add(path, $"must be {rule}, got {Describe(e)}");
        return null;
    }

    /// <summary>The elements of a list, or null (reported) when <paramref name="e"/> is not a list or is too long.</summary>
    public static IReadOnlyList<JsonElement>? List(JsonElement e, string path, ProblemList problems, int maxCount, string rule)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            problems.Add(path, $"must be {rule}, got {Describe(e)}");
            return null;
        }
        var items = e.EnumerateArray().ToList();
        if (items.Count > maxCount)
        {
            problems.Add(path, $"has {items.Count} entries; at most {maxCount} are allowed");
            return null;
        }
        return items;
    }

    /// <summary>A list of distinct non-negative integer seeds.</summary>
    public static IReadOnlyList<int>? Seeds(JsonElement e, string path, ProblemList problems)
    {
        const string rule = "a non-empty list of distinct non-negative integers";
        var items = List(e, path, problems, 1000, rule);
        if (items is null) return null;
        if (items.Count == 0)
        {
            problems.Add(path, $"must be {rule}");
            return null;
        }
        var seeds = new List<int>();
        var ok = true;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = JsonPath.Index(path, i);
            var seed = Int(items[i], itemPath, problems, 0, int.MaxValue, "a non-negative integer seed");
            if (seed is null) ok = false;
            else if (seeds.Contains(seed.Value))
            {
                problems.Add(itemPath, $"duplicate seed {seed.Value}");
                ok = false;
            }
            else seeds.Add(seed.Value);
        }
        return ok ? seeds : null;
    }

    /// <summary>One of <paramref name="known"/>, with a "did you mean" otherwise.</summary>
    public static string? OneOf(JsonElement e, string path, ProblemList problems, IReadOnlyCollection<string> known, string what)
    {
        var s = String(e, path, problems, 200);
        if (s is null) return null;
        if (known.Contains(s)) return s;
        problems.Add(path, $"unknown {what} {Quote(s)} (expected one of {string.Join(", ", known)}){Suggest.DidYouMean(s, known)}");
        return null;
    }
}
