using Json.Schema;

namespace AftSweep.Contracts.Grid;

/// <summary>The JSON Schema (draft 2020-12) of grid.json v1, shipped inside the tool and in docs/grid.schema.json.
/// It checks shapes for editors and scripts; cross-field rules and file checks are <see cref="GridParser"/>'s.</summary>
public static class GridSchema
{
    public const string ResourceName = "AftSweep.Contracts.grid.schema.json";

    private static readonly Lazy<string> LazyText = new(() =>
    {
        using var stream = typeof(GridSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    // Built once: JsonSchema.Net registers a schema's $id globally, so building it twice would collide.
    private static readonly Lazy<JsonSchema> LazySchema = new(() => JsonSchema.FromText(LazyText.Value));

    public static string Text => LazyText.Value;

    public static JsonSchema Schema => LazySchema.Value;
}
