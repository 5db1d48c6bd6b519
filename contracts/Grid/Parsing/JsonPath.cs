using System.Text.Json;
using System.Text.RegularExpressions;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Paths as problems name them: <c>methods.kd.lambdas[1]</c>; <c>$</c> is the document itself.</summary>
internal static partial class JsonPath
{
    public const string Root = "$";

    public static string Child(string parent, string key)
    {
        var segment = PlainKey().IsMatch(key) ? key : $"[{JsonSerializer.Serialize(key)}]";
        if (parent == Root) return segment.StartsWith('[') ? Root + segment : segment;
        return segment.StartsWith('[') ? parent + segment : $"{parent}.{segment}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    [GeneratedRegex("^[A-Za-z0-9_$-]+$")]
    private static partial Regex PlainKey();
}
