using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Features;

/// <summary>
/// The feature store's blob layout for a set key (<see cref="Contracts.Features.FeatureSetId.Key"/>):
/// <c>features/&lt;key&gt;/manifest.json</c> and <c>features/&lt;key&gt;/shard-00000.bin</c>.
/// </summary>
public static class FeatureSetKey
{
    public const string Prefix = "features/";
    public const string ManifestName = "manifest.json";

    public static string ManifestBlob(string setKey) => $"{Prefix}{setKey}/{ManifestName}";
    public static string ShardBlob(string setKey, int index) => $"{Prefix}{setKey}/shard-{index:D5}.bin";

    public static string SplitText(SplitName split) => split switch
    {
        SplitName.Train => Contracts.Features.FeatureSetId.Train,
        SplitName.Test => Contracts.Features.FeatureSetId.Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };

    public static bool IsValid(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower);

    /// <summary>True when <paramref name="blob"/> is shard <paramref name="index"/> under some valid set key (a re-keyed
    /// set's manifest keeps naming the shards written under its legacy key).</summary>
    public static bool IsShardBlob(string blob, int index)
    {
        if (!blob.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var slash = blob.IndexOf('/', Prefix.Length);
        return slash > 0 && IsValid(blob[Prefix.Length..slash]) && blob == ShardBlob(blob[Prefix.Length..slash], index);
    }
}
