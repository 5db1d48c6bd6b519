using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AftSweep.Client.Reporting.Formats;

/// <summary>The report as JSON (schema 1, camelCase; see docs/outputs.md): what scripts should read.</summary>
public sealed class JsonReportWriter : IReportWriter
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string Write(ResultsReport report) => JsonSerializer.Serialize(report, Options) + Environment.NewLine;
}
