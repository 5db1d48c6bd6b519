using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Trials;

/// <summary>
/// The on-disk format of a <see cref="TrialRecord"/>: one JSON file per trial, camelCase, enums as strings
/// (methods by their catalog name, e.g. "aft-identity"; other enums kebab-case, e.g. "succeeded", "image-tar").
/// Every writer and reader of record files goes through this class so the store has exactly one format.
/// </summary>
public static class TrialRecordJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(TrialRecord record) => JsonSerializer.Serialize(record, Options);

    /// <summary>Parses one record; <paramref name="source"/> (a file name) prefixes every error message.</summary>
    /// <exception cref="InvalidDataException">The text is not a record of a schema this code reads.</exception>
    public static TrialRecord Deserialize(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            CheckSchema(document.RootElement, source);
            try
            {
                return document.RootElement.Deserialize<TrialRecord>(Options)
                       ?? throw new InvalidDataException($"{source}: expected a trial record object, got null");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: not a valid trial record: {e.Message}", e);
            }
        }
    }

    public static TrialRecord ReadFile(string path) => Deserialize(File.ReadAllText(path), path);

    /// <summary>Writes atomically (temp file in the same folder, then rename) so readers never see half a record.</summary>
    public static void WriteFile(string path, TrialRecord record)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, Serialize(record));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static void CheckSchema(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: expected a trial record object, got {root.ValueKind}");
        }

        if (!root.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Number || !schema.TryGetInt32(out var version))
        {
            throw new InvalidDataException($"{source}: schema: missing or not an integer (expected {TrialRecord.CurrentSchema})");
        }

        if (version > TrialRecord.CurrentSchema)
        {
            throw new InvalidDataException(
                $"{source}: schema: {version} was written by a newer AftSweep; this one reads schema {TrialRecord.CurrentSchema}. Upgrade aftsweep to read it.");
        }

        if (version < 1)
        {
            throw new InvalidDataException($"{source}: schema: {version} is not a valid schema version (expected {TrialRecord.CurrentSchema})");
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            // Files, not HTML: keep '+' in combo keys and non-ASCII teacher names readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputedProperties } },
        };
        options.Converters.Add(new MethodIdJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Get-only conveniences (ComboKey, TeacherRho.Mean) are derived data: not part of the file.</summary>
    private static void DropComputedProperties(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null)
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}

/// <summary>Methods are written by their catalog name, the same ids grid.json uses.</summary>
public sealed class MethodIdJsonConverter : JsonConverter<MethodId>
{
    public override MethodId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (name is null || !MethodCatalog.TryGet(name, out var info))
        {
            throw new JsonException($"unknown method '{name}' (expected one of {string.Join(", ", MethodCatalog.Names)})");
        }

        return info.Id;
    }

    public override void Write(Utf8JsonWriter writer, MethodId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.NameOf());
}
