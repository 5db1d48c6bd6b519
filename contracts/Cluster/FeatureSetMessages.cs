namespace AftSweep.Contracts.Cluster;

/// <summary>What a feature set is and how it splits into shards (the feature store decides both).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FeatureSetRequest.v1")]
public sealed record FeatureSetRequest
{
    /// <summary>The set's <see cref="Features.FeatureSetId.Key"/> (teacher, dataset fingerprint, split, extractor version).</summary>
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required IReadOnlyList<FeatureShardSpec> Shards { get; init; }
}

/// <summary>One shard to extract: a row range of one split, for one teacher.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FeatureShardSpec.v1")]
public sealed record FeatureShardSpec
{
    [Id(0)] public required string FeatureSetKey { get; init; }
    [Id(1)] public required int Index { get; init; }
    [Id(2)] public required Grid.TeacherRef Teacher { get; init; }
    [Id(3)] public required Grid.DatasetSpec Dataset { get; init; }
    [Id(4)] public required string DatasetFingerprint { get; init; }
    /// <summary>"train" or "test".</summary>
    [Id(5)] public required string Split { get; init; }
    [Id(6)] public required int RowStart { get; init; }
    /// <summary>Rows from <see cref="RowStart"/>; 0 = the whole split (the feature store shards it itself).</summary>
    [Id(7)] public required int RowCount { get; init; }
    /// <summary>The grid's selection.splitSeed: it picks the rows of a dataset with a <c>limit</c>.</summary>
    [Id(8)] public int SplitSeed { get; init; } = Grid.SelectionSpec.DefaultSplitSeed;

    public string WorkKey => $"{FeatureSetKey}#{Index}";

    public static (string SetKey, int Shard) ParseWorkKey(string key)
    {
        var hash = key.LastIndexOf('#');
        if (hash <= 0 || !int.TryParse(key.AsSpan(hash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var shard))
            throw new FormatException($"feature shard work key '{key}': expected 'featureSetKey#shardIndex'");
        return (key[..hash], shard);
    }
}

/// <summary>Where an extracted shard was stored.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FeatureShardResult.v1")]
public sealed record FeatureShardResult(
    [property: Id(0)] string Blob,
    [property: Id(1)] int Rows,
    [property: Id(2)] int Dim,
    [property: Id(3)] string Sha256);

/// <summary>A feature set's state. Numbers are persisted: never renumber.</summary>
public enum FeatureSetPhase
{
    Missing = 0,
    Extracting = 1,
    Ready = 2,
    Failed = 3,
}

[GenerateSerializer, Immutable, Alias("aftsweep.FeatureSetStatus.v1")]
public sealed record FeatureSetStatus
{
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required FeatureSetPhase Phase { get; init; }
    [Id(2)] public int ShardsDone { get; init; }
    [Id(3)] public int ShardsTotal { get; init; }
    /// <summary>Per shard, in index order; null while not extracted.</summary>
    [Id(4)] public IReadOnlyList<FeatureShardResult?> Shards { get; init; } = [];
    [Id(5)] public IReadOnlyList<string> Errors { get; init; } = [];
}
