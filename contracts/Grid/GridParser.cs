using System.Text;
using System.Text.Json;
using AftSweep.Contracts.Grid.Parsing;

namespace AftSweep.Contracts.Grid;

/// <summary>
/// Reads grid.json v1 (shared/spec/grid.md) into a <see cref="GridSpec"/>, reporting every problem at once as
/// <c>&lt;json path&gt;: &lt;problem&gt;</c>. User mistakes come back as problems, never as exceptions.
/// </summary>
public static class GridParser
{
    public static GridParseResult ParseFile(string path, GridParserOptions? options = null)
    {
        options ??= GridParserOptions.Default;
        var full = Path.GetFullPath(path);
        var file = new FileInfo(full);
        if (!file.Exists)
            return GridParseResult.Invalid(JsonPath.Root, Directory.Exists(full) ? $"{full} is a folder, not a grid file" : $"grid file not found: {full}");
        if (file.Length > options.MaxFileBytes)
            return TooLarge(file.Length, options);
        string text;
        try
        {
            text = File.ReadAllText(full, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return GridParseResult.Invalid(JsonPath.Root, $"cannot read {full}: {e.Message}");
        }
        return Parse(text, file.DirectoryName!, options);
    }

    /// <summary>Parses grid text; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static GridParseResult Parse(string json, string baseDirectory, GridParserOptions? options = null)
    {
        options ??= GridParserOptions.Default;
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxFileBytes) return TooLarge(bytes, options);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = options.MaxDepth });
        }
        catch (JsonException e)
        {
            return GridParseResult.Invalid(JsonPath.Root, DescribeSyntaxError(json, e, options));
        }
        using (document)
            return new GridReader(Path.GetFullPath(baseDirectory), options).Read(document.RootElement);
    }

    private static GridParseResult TooLarge(long bytes, GridParserOptions options) =>
        GridParseResult.Invalid(JsonPath.Root, $"the grid file is {bytes:N0} bytes; the limit is {options.MaxFileBytes:N0} bytes (1 MiB by default)");

    private static string DescribeSyntaxError(string json, JsonException e, GridParserOptions options)
    {
        var where = $"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}";
        if (FirstValueIsComplete(json, options))
            return $"unexpected text after the end of the JSON document at {where} (trailing garbage)";
        // System.Text.Json appends its own 0-based position; we give a 1-based one instead.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        return $"not valid JSON at {where}: {message}";
    }

    /// <summary>True when the text starts with one complete JSON value, so the error is in what follows it.</summary>
    private static bool FirstValueIsComplete(string json, GridParserOptions options)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = options.MaxDepth });
        try
        {
            return reader.Read() && reader.TrySkip();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
