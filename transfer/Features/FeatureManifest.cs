using System.Text.Json.Serialization;

namespace AftSweep.Transfer.Features;

public enum FeatureSetStatus { Partial = 1, Complete = 2 }

/// <summary>
/// <c>features/&lt;key&gt;/manifest.json</c>, schema <see cref="CurrentSchemaVersion"/>. Only a
/// <see cref="FeatureSetStatus.Complete"/> manifest is ever read as features; a partial one records the shards
/// finished so far, so an interrupted extraction resumes. See docs/features.md.
/// </summary>
public sealed record FeatureManifest
{
    public const int CurrentSchemaVersion = 1;
    public const string DtypeFloat32 = "float32";

    public required int SchemaVersion { get; init; }
    public required string Key { get; init; }
    public required FeatureSetStatus Status { get; init; }
    public required ManifestTeacher Teacher { get; init; }
    public required ManifestDataset Dataset { get; init; }
    /// <summary>"train" or "test".</summary>
    public required string Split { get; init; }
    public required int Rows { get; init; }
    public required int Dim { get; init; }
    public required string Dtype { get; init; }
    /// <summary>Rows per shard (the last one may hold fewer).</summary>
    public required int ShardRows { get; init; }
    /// <summary>In row order; a partial manifest lists only the shards finished.</summary>
    public required IReadOnlyList<ManifestShard> Shards { get; init; }
    /// <summary>CodeVersion.Extractor at extraction time (part of the key).</summary>
    public required string Extractor { get; init; }
    /// <summary>Versions of what produced the features (aftsweep, .NET, ONNX Runtime), for provenance only.</summary>
    public required IReadOnlyDictionary<string, string> Libraries { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public DateTimeOffset? CompletedUtc { get; init; }

    [JsonIgnore] public int ShardCount => (Rows + ShardRows - 1) / ShardRows;
    [JsonIgnore] public long TotalBytes => Shards.Sum(s => s.Bytes);
}

public sealed record ManifestTeacher(string Spec, string Identity, int Dim);

public sealed record ManifestDataset(string Name, string Fingerprint);

/// <summary>One shard: its blob, rows [StartRow, StartRow + Rows), its length and sha256 (hex) of the whole blob.</summary>
public sealed record ManifestShard(int Index, string Blob, int StartRow, int Rows, long Bytes, string Sha256);
