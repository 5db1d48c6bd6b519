namespace AftSweep.Transfer.Features;

/// <summary>How the feature store shards and reads. Checked by <see cref="Validate"/>; messages name the option.</summary>
public sealed class FeatureStoreOptions
{
    public const string SectionName = "AftSweep:Features";
    public const int MaxShardRows = 1 << 20;

    /// <summary>Rows per shard for new sets (existing sets keep the layout their manifest records).</summary>
    public int ShardRows { get; set; } = ShardFormat.DefaultShardRows;
    /// <summary>Folder that relative teacher specs (features:DIR, onnx-file:PATH) resolve against.</summary>
    public string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();
    /// <summary>Shards read and verified at once.</summary>
    public int ReadParallelism { get; set; } = Math.Max(2, Environment.ProcessorCount);

    public FeatureStoreOptions Validate()
    {
        var problems = new List<string>();
        if (ShardRows is <= 0 or > MaxShardRows) problems.Add($"{SectionName}:{nameof(ShardRows)}: {ShardRows} is out of range (1-{MaxShardRows})");
        if (string.IsNullOrWhiteSpace(BaseDirectory)) problems.Add($"{SectionName}:{nameof(BaseDirectory)}: required");
        if (ReadParallelism is <= 0 or > 256) problems.Add($"{SectionName}:{nameof(ReadParallelism)}: {ReadParallelism} is out of range (1-256)");
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems));
        return this;
    }
}
