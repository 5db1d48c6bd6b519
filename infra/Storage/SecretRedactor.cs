using System.Text.RegularExpressions;

namespace AftSweep.Infra.Storage;

/// <summary>
/// Strips credentials from text that may reach a log or an error message (exception messages from the Azure SDK
/// or the network stack can echo parts of a connection string or a SAS URL).
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var s = SecretPairs().Replace(text, m => $"{m.Groups["name"].Value}={Mask}");
        return SasSignature().Replace(s, m => $"{m.Groups["name"].Value}={Mask}");
    }

    [GeneratedRegex(@"(?<name>AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd)\s*=\s*[^;""'\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPairs();

    [GeneratedRegex(@"(?<name>[?&]sig)=[^&""'\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();
}
