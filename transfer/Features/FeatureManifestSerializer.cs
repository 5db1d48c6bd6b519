using System.Text.Json;
using System.Text.Json.Serialization;

namespace AftSweep.Transfer.Features;

/// <summary>
/// Reads and writes <see cref="FeatureManifest"/> JSON. Reading checks the schema version before anything else
/// (a newer one is refused with an upgrade hint, never guessed at), then every field; errors name the blob and
/// the JSON path.
/// </summary>
public static class FeatureManifestSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static byte[] Serialize(FeatureManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Options);

    public static FeatureManifest Parse(ReadOnlySpan<byte> json, string blob)
    {
        int version;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new FeatureStoreException($"{blob}: expected a JSON object");
            if (!doc.RootElement.TryGetProperty("schemaVersion", out var v) || !v.TryGetInt32(out version))
                throw new FeatureStoreException($"{blob}: schemaVersion: missing or not an integer");
        }
        catch (JsonException e)
        {
            throw new FeatureStoreException($"{blob}: not valid JSON ({e.Message})");
        }
        if (version > FeatureManifest.CurrentSchemaVersion)
            throw new FeatureSchemaException(
                $"{blob}: schemaVersion {version} is newer than this aftsweep reads ({FeatureManifest.CurrentSchemaVersion}); upgrade aftsweep to use this feature set");
        if (version < 1)
            throw new FeatureStoreException($"{blob}: schemaVersion {version} is not a known version (expected 1..{FeatureManifest.CurrentSchemaVersion})");

        FeatureManifest? m;
        try
        {
            m = JsonSerializer.Deserialize<FeatureManifest>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FeatureStoreException($"{blob}: {e.Path}: {e.Message}");
        }
        if (m is null) throw new FeatureStoreException($"{blob}: empty manifest");
        Validate(m, blob);
        return m;
    }

    /// <summary>Field-level checks shared by reader and writer: shapes, ranges, and shard rows tiling the split.</summary>
    public static void Validate(FeatureManifest m, string blob)
    {
        void Fail(string path, string problem) => throw new FeatureStoreException($"{blob}: {path}: {problem}");
        if (!FeatureSetKey.IsValid(m.Key)) Fail("key", "expected 64 lowercase hex characters");
        if (m.Teacher is null || string.IsNullOrEmpty(m.Teacher.Spec) || string.IsNullOrEmpty(m.Teacher.Identity)) Fail("teacher", "spec and identity are required");
        if (m.Dataset is null || string.IsNullOrEmpty(m.Dataset.Fingerprint)) Fail("dataset.fingerprint", "required");
        if (m.Split is not ("train" or "test")) Fail("split", $"'{m.Split}' is not train or test");
        if (m.Rows < 0) Fail("rows", $"{m.Rows} is negative");
        if (m.Dim <= 0) Fail("dim", $"{m.Dim} is not positive");
        if (m.Teacher!.Dim != m.Dim) Fail("teacher.dim", $"{m.Teacher.Dim} differs from dim {m.Dim}");
        if (m.Dtype != FeatureManifest.DtypeFloat32) Fail("dtype", $"'{m.Dtype}' is not supported (expected float32)");
        if (m.ShardRows <= 0) Fail("shardRows", $"{m.ShardRows} is not positive");
        if (m.Shards is null) Fail("shards", "required");
        var seen = new HashSet<int>();
        for (var i = 0; i < m.Shards!.Count; i++)
        {
            var s = m.Shards[i];
            var path = $"shards[{i}]";
            if (s.Index < 0 || s.Index >= Math.Max(1, m.ShardCount)) Fail($"{path}.index", $"{s.Index} is outside 0..{m.ShardCount - 1}");
            if (!seen.Add(s.Index)) Fail($"{path}.index", $"shard {s.Index} is listed twice");
            if (i > 0 && s.Index <= m.Shards[i - 1].Index) Fail($"{path}.index", "shards must be listed in index order");
            var expectedStart = s.Index * m.ShardRows;
            var expectedRows = Math.Min(m.ShardRows, m.Rows - expectedStart);
            if (s.StartRow != expectedStart || s.Rows != expectedRows)
                Fail(path, $"rows [{s.StartRow}, {s.StartRow + s.Rows}) do not match shard {s.Index} of {m.ShardRows}-row shards ([{expectedStart}, {expectedStart + expectedRows}))");
            // A re-keyed set (LegacyFeatureSetKey) keeps naming the shards written under its old key.
            if (!FeatureSetKey.IsShardBlob(s.Blob, s.Index)) Fail($"{path}.blob", $"'{s.Blob}' is not shard {s.Index} of a feature set (expected {FeatureSetKey.ShardBlob(m.Key, s.Index)})");
            if (s.Bytes != ShardFormat.BlobLength(s.Rows, m.Dim)) Fail($"{path}.bytes", $"{s.Bytes} does not fit [{s.Rows}, {m.Dim}] float32 ({ShardFormat.BlobLength(s.Rows, m.Dim)})");
            if (s.Sha256 is not { Length: 64 } || !s.Sha256.All(char.IsAsciiHexDigitLower)) Fail($"{path}.sha256", "expected 64 lowercase hex characters");
        }
        if (m.Status == FeatureSetStatus.Complete && m.Shards.Count != m.ShardCount)
            Fail("shards", $"a complete set of {m.Rows} rows in {m.ShardRows}-row shards has {m.ShardCount} shards, not {m.Shards.Count}");
    }
}
