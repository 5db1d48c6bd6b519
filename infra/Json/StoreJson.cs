using System.Text.Json;
using System.Text.Json.Serialization;

namespace AftSweep.Infra.Json;

/// <summary>The one JSON dialect of everything AftSweep persists: camelCase, enums by name, indented for people.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    /// <summary>Compact form for hot paths (grain state), same names.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
