namespace AftSweep.Transfer.Features;

/// <summary>The feature store's meter and instrument names (System.Diagnostics.Metrics), in one place.</summary>
public static class FeatureInstrumentNames
{
    public const string MeterName = "AftSweep.Features";

    /// <summary>Shard reads served from the local disk cache (verified).</summary>
    public const string CacheHits = "aftsweep.features.cache.hits";
    /// <summary>Shard reads the local cache could not serve (absent or corrupt).</summary>
    public const string CacheMisses = "aftsweep.features.cache.misses";
    /// <summary>Shards dropped from the local cache to stay under its size limit.</summary>
    public const string CacheEvictions = "aftsweep.features.cache.evictions";
    /// <summary>Shard bytes read, tagged <see cref="SourceTag"/> = local | blob.</summary>
    public const string BytesRead = "aftsweep.features.bytes_read";
    /// <summary>Rows computed by a teacher, tagged <see cref="TeacherTag"/>.</summary>
    public const string ExtractedRows = "aftsweep.features.extracted_rows";
    /// <summary>Shards that failed their sha256 or header check, tagged <see cref="SourceTag"/>.</summary>
    public const string CorruptShards = "aftsweep.features.corrupt_shards";
    /// <summary>Shards reused from an interrupted extraction.</summary>
    public const string ResumedShards = "aftsweep.features.resumed_shards";

    public const string SourceTag = "source";
    public const string TeacherTag = "teacher";
    public const string SourceLocal = "local";
    public const string SourceBlob = "blob";
}
