using System.Diagnostics.Metrics;

namespace AftSweep.Transfer.Features;

/// <summary>
/// The store's counters: published on the "AftSweep.Features" meter, and mirrored in plain totals
/// (<see cref="Snapshot"/>) for the bench verb and tests that read one store's numbers.
/// </summary>
public sealed class FeatureStoreInstruments : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _cacheHits, _cacheMisses, _cacheEvictions, _bytesRead, _extractedRows, _corruptShards, _resumedShards;
    private long _hits, _misses, _evictions, _localBytes, _blobBytes, _rows, _corrupt, _resumed;

    public FeatureStoreInstruments(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(FeatureInstrumentNames.MeterName) ?? new Meter(FeatureInstrumentNames.MeterName);
        _cacheHits = _meter.CreateCounter<long>(FeatureInstrumentNames.CacheHits, "{shard}", "Shard reads served by the local cache");
        _cacheMisses = _meter.CreateCounter<long>(FeatureInstrumentNames.CacheMisses, "{shard}", "Shard reads the local cache could not serve");
        _cacheEvictions = _meter.CreateCounter<long>(FeatureInstrumentNames.CacheEvictions, "{shard}", "Shards evicted from the local cache");
        _bytesRead = _meter.CreateCounter<long>(FeatureInstrumentNames.BytesRead, "By", "Shard bytes read by source");
        _extractedRows = _meter.CreateCounter<long>(FeatureInstrumentNames.ExtractedRows, "{row}", "Rows extracted by a teacher");
        _corruptShards = _meter.CreateCounter<long>(FeatureInstrumentNames.CorruptShards, "{shard}", "Shards failing verification");
        _resumedShards = _meter.CreateCounter<long>(FeatureInstrumentNames.ResumedShards, "{shard}", "Shards reused from an interrupted extraction");
    }

    public Meter Meter => _meter;

    public void CacheHit() { Interlocked.Increment(ref _hits); _cacheHits.Add(1); }
    public void CacheMiss() { Interlocked.Increment(ref _misses); _cacheMisses.Add(1); }
    public void CacheEviction() { Interlocked.Increment(ref _evictions); _cacheEvictions.Add(1); }
    public void ShardResumed() { Interlocked.Increment(ref _resumed); _resumedShards.Add(1); }

    public void BytesRead(string source, long bytes)
    {
        Interlocked.Add(ref source == FeatureInstrumentNames.SourceLocal ? ref _localBytes : ref _blobBytes, bytes);
        _bytesRead.Add(bytes, new KeyValuePair<string, object?>(FeatureInstrumentNames.SourceTag, source));
    }

    public void RowsExtracted(string teacherSpec, long rows)
    {
        Interlocked.Add(ref _rows, rows);
        _extractedRows.Add(rows, new KeyValuePair<string, object?>(FeatureInstrumentNames.TeacherTag, teacherSpec));
    }

    public void CorruptShard(string source)
    {
        Interlocked.Increment(ref _corrupt);
        _corruptShards.Add(1, new KeyValuePair<string, object?>(FeatureInstrumentNames.SourceTag, source));
    }

    public FeatureStoreStats Snapshot() => new(
        Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _evictions),
        Interlocked.Read(ref _localBytes), Interlocked.Read(ref _blobBytes), Interlocked.Read(ref _rows),
        Interlocked.Read(ref _corrupt), Interlocked.Read(ref _resumed));

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}

/// <summary>Totals since the store was created.</summary>
public sealed record FeatureStoreStats(long CacheHits, long CacheMisses, long CacheEvictions, long LocalBytesRead, long BlobBytesRead,
    long ExtractedRows, long CorruptShards, long ResumedShards);
