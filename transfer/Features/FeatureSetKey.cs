using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts;
using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Features;

/// <summary>
/// A feature set's content key: sha256 (hex) over the teacher's identity, the dataset's fingerprint, the split
/// and the extractor version, each length-prefixed so no two different inputs hash alike. The blob layout
/// derives from it: <c>features/&lt;key&gt;/manifest.json</c> and <c>features/&lt;key&gt;/shard-00000.bin</c>.
/// </summary>
public static class FeatureSetKey
{
    public const string Prefix = "features/";
    public const string ManifestName = "manifest.json";

    public static string Compute(string teacherIdentity, string datasetFingerprint, SplitName split, string extractorVersion = CodeVersion.Extractor)
    {
        var text = new StringBuilder("aftsweep-feature-set/1\n");
        Append(text, "teacher", teacherIdentity);
        Append(text, "dataset", datasetFingerprint);
        Append(text, "split", SplitText(split));
        Append(text, "extractor", extractorVersion);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string ManifestBlob(string setKey) => $"{Prefix}{setKey}/{ManifestName}";
    public static string ShardBlob(string setKey, int index) => $"{Prefix}{setKey}/shard-{index:D5}.bin";

    public static string SplitText(SplitName split) => split switch
    {
        SplitName.Train => "train",
        SplitName.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };

    public static bool IsValid(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower);

    private static void Append(StringBuilder sb, string name, string value) =>
        sb.Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
}
