using AftSweep.Contracts.Storage;

namespace AftSweep.Transfer.Features;

/// <summary>
/// A silo's disk cache of shard blobs in front of the remote store, bounded by <see cref="MaxBytes"/> with
/// least-recently-used eviction. Files sit at <c>&lt;root&gt;/&lt;blob key&gt;</c>, written atomically (temp
/// + rename); a hit stamps the file's modification time so recency survives restarts. The cache never vouches
/// for content: the store verifies every read against the manifest's sha256 and drops a bad entry with
/// <see cref="Remove"/>.
/// </summary>
public sealed class LocalFeatureCache
{
    public const long DefaultMaxBytes = 10L << 30;
    private const string TempSuffix = ".aftsweep-tmp";
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _totalBytes;
    private long _clock;

    public LocalFeatureCache(string rootDirectory, long maxBytes = DefaultMaxBytes, TimeProvider? timeProvider = null)
    {
        if (maxBytes <= 0) throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "the cache size limit must be positive");
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        MaxBytes = maxBytes;
        _time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(_root);
        LoadExisting();
    }

    public string Root => _root;
    public long MaxBytes { get; }
    /// <summary>Raised for every entry evicted (the blob key), so the store can count evictions.</summary>
    public event Action<string>? Evicted;

    public long TotalBytes { get { lock (_lock) return _totalBytes; } }
    public int Count { get { lock (_lock) return _entries.Count; } }

    public bool Contains(string key) { lock (_lock) return _entries.ContainsKey(key); }

    /// <summary>The file holding <paramref name="key"/>, marked as just used; null on a miss.</summary>
    public string? TryGetPath(string key)
    {
        var path = PathOf(key);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry)) return null;
            entry.LastUse = ++_clock;
        }
        try
        {
            File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
            return path;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            Forget(key);
            return null;
        }
    }

    /// <summary>Stores <paramref name="parts"/> (concatenated) under <paramref name="key"/>, then evicts to the limit.</summary>
    public void Put(string key, params ReadOnlyMemory<byte>[] parts)
    {
        var path = PathOf(key);
        var length = parts.Sum(p => (long)p.Length);
        if (length > MaxBytes) return; // would evict everything and still not fit
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                long offset = 0;
                foreach (var p in parts)
                {
                    RandomAccess.Write(handle, p.Span, offset);
                    offset += p.Length;
                }
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        List<string> evicted;
        lock (_lock)
        {
            if (_entries.Remove(key, out var old)) _totalBytes -= old.Length;
            _entries[key] = new Entry(length) { LastUse = ++_clock };
            _totalBytes += length;
            evicted = EvictOverLimit(keep: key);
        }
        foreach (var k in evicted) Evicted?.Invoke(k);
    }

    /// <summary>Drops an entry (corrupt, or superseded).</summary>
    public void Remove(string key)
    {
        var path = PathOf(key);
        Forget(key);
        try { File.Delete(path); }
        catch (DirectoryNotFoundException) { }
    }

    private void Forget(string key)
    {
        lock (_lock)
            if (_entries.Remove(key, out var old)) _totalBytes -= old.Length;
    }

    private List<string> EvictOverLimit(string keep)
    {
        var evicted = new List<string>();
        while (_totalBytes > MaxBytes)
        {
            string? victim = null;
            long oldest = long.MaxValue;
            foreach (var (k, e) in _entries)
                if (k != keep && e.LastUse < oldest) { oldest = e.LastUse; victim = k; }
            if (victim is null) break;
            _totalBytes -= _entries[victim].Length;
            _entries.Remove(victim);
            try { File.Delete(PathOf(victim)); }
            catch (IOException) { } // already gone or busy: it no longer counts either way
            evicted.Add(victim);
        }
        return evicted;
    }

    private void LoadExisting()
    {
        var files = new List<(string Key, long Length, DateTime LastUse)>();
        foreach (var file in Directory.EnumerateFiles(_root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            if (file.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                try { File.Delete(file); } catch (IOException) { } // left by a crash mid-write
                continue;
            }
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!BlobKey.IsValid(key, out _)) continue;
            var info = new FileInfo(file);
            files.Add((key, info.Length, info.LastWriteTimeUtc));
        }
        lock (_lock)
        {
            foreach (var f in files.OrderBy(f => f.LastUse))
            {
                _entries[f.Key] = new Entry(f.Length) { LastUse = ++_clock };
                _totalBytes += f.Length;
            }
            EvictOverLimit(keep: "");
        }
    }

    private string PathOf(string key) => Path.Combine(_root, BlobKey.Validate(key).Replace('/', Path.DirectorySeparatorChar));

    private sealed class Entry(long length)
    {
        public long Length { get; } = length;
        public long LastUse { get; set; }
    }
}
