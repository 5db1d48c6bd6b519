using System.Text;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;

namespace AftSweep.Tests.Features;

public sealed class FeatureManifestTests
{
    private static readonly string Key = Contracts.Features.FeatureSetId.For(Contracts.Grid.TeacherSpec.Parse("noise:2", "/"), null, "fp", "train").Key;

    private static FeatureManifest Sample(int rows = 10, int shardRows = 4) => new()
    {
        SchemaVersion = 1, Key = Key, Status = FeatureSetStatus.Complete,
        Teacher = new ManifestTeacher("noise:2", "id", 2), Dataset = new ManifestDataset("d", "fp"), Split = "train",
        Rows = rows, Dim = 2, Dtype = "float32", ShardRows = shardRows,
        Shards = Enumerable.Range(0, (rows + shardRows - 1) / shardRows).Select(i =>
        {
            var n = Math.Min(shardRows, rows - i * shardRows);
            return new ManifestShard(i, FeatureSetKey.ShardBlob(Key, i), i * shardRows, n, ShardFormat.BlobLength(n, 2), new string('a', 64));
        }).ToList(),
        Extractor = "aft-features-1", Libraries = new Dictionary<string, string> { ["aftsweep"] = "0.1.0" },
        CreatedUtc = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void FeatureManifest_RoundTrip_PreservesEveryField()
    {
        var m = Sample();
        var json = FeatureManifestSerializer.Serialize(m);
        var text = Encoding.UTF8.GetString(json);
        Assert.Contains("\"schemaVersion\": 1", text);
        Assert.Contains("\"status\": \"complete\"", text);
        var back = FeatureManifestSerializer.Parse(json, "m.json");
        Assert.Equal(m.Shards, back.Shards);
        Assert.Equal(m with { Shards = back.Shards, Libraries = back.Libraries }, back);
    }

    [Fact]
    public void LegacyFeatureSetKey_DependsOnEveryInput()
    {
        var keys = new[]
        {
            LegacyFeatureSetKey.Compute("id", "fp", SplitName.Train),
            LegacyFeatureSetKey.Compute("id2", "fp", SplitName.Train),
            LegacyFeatureSetKey.Compute("id", "fp2", SplitName.Train),
            LegacyFeatureSetKey.Compute("id", "fp", SplitName.Test),
            LegacyFeatureSetKey.Compute("id", "fp", SplitName.Train, "aft-features-2"),
            LegacyFeatureSetKey.Compute("idf", "p", SplitName.Train), // same concatenation, different split point
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.All(keys, k => Assert.True(FeatureSetKey.IsValid(k)));
    }

    [Theory]
    [InlineData("\"rows\": 10", "\"rows\": 11", "shards[2]: rows [8, 10) do not match shard 2 of 4-row shards ([8, 11))")]
    [InlineData("\"dtype\": \"float32\"", "\"dtype\": \"float16\"", "dtype: 'float16' is not supported")]
    [InlineData("\"startRow\": 4", "\"startRow\": 5", "shards[1]: rows [5, 9) do not match shard 1")]
    [InlineData("\"split\": \"train\"", "\"split\": \"dev\"", "split: 'dev' is not train or test")]
    [InlineData("\"dim\": 2,\n  \"dtype\"", "\"dim\": 2, \"extra\": 1,\n  \"dtype\"", "extra")]
    public void FeatureManifestSerializer_BadField_NamesBlobAndPath(string from, string to, string expected)
    {
        var text = Encoding.UTF8.GetString(FeatureManifestSerializer.Serialize(Sample()));
        Assert.Contains(from, text);
        var e = Assert.Throws<FeatureStoreException>(() => FeatureManifestSerializer.Parse(Encoding.UTF8.GetBytes(text.Replace(from, to)), "features/k/manifest.json"));
        Assert.StartsWith("features/k/manifest.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FeatureManifestSerializer_NewerSchema_IsRefusedBeforeFieldChecks()
    {
        var e = Assert.Throws<FeatureSchemaException>(() => FeatureManifestSerializer.Parse("{\"schemaVersion\": 7, \"whatever\": []}"u8, "m.json"));
        Assert.Contains("schemaVersion 7 is newer than this aftsweep reads (1)", e.Message);
    }
}
