using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts;
using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Features;

/// <summary>
/// The set key stores were written under before <see cref="Contracts.Features.FeatureSetId"/> (layout 1): sha256 over
/// the teacher's <see cref="Teachers.ITeacher.Identity"/>, the dataset fingerprint, the split and the extractor
/// version. Used only to find such a set, which the store then re-keys (a new manifest naming the same shards);
/// nothing is written under it any more.
/// </summary>
public static class LegacyFeatureSetKey
{
    public static string Compute(string teacherIdentity, string datasetFingerprint, SplitName split, string extractorVersion = CodeVersion.Extractor)
    {
        var text = new StringBuilder("aftsweep-feature-set/1\n");
        Append(text, "teacher", teacherIdentity);
        Append(text, "dataset", datasetFingerprint);
        Append(text, "split", FeatureSetKey.SplitText(split));
        Append(text, "extractor", extractorVersion);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder sb, string name, string value) =>
        sb.Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
}
