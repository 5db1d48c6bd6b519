using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AftSweep.Contracts;
using AftSweep.Contracts.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Storage;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AftSweep.Transfer.Features;

/// <summary>
/// Teacher features as content-addressed, checksummed shards in a blob store, with an optional local disk cache
/// in front. A set lives under its <see cref="FeatureSetId.Key"/>; a set written by an older version under its
/// <see cref="LegacyFeatureSetKey"/> is found there and re-keyed, not extracted again. <see cref="GetAsync(TeacherRef, LoadedDataset, SplitName, CancellationToken)"/> returns a split's
/// features, reading a complete set (cache first, then the store; every shard verified by sha256) or extracting
/// it with the teacher shard by shard. A shard that is missing or fails verification is re-extracted, never
/// returned. Concurrent requests for one set inside this process share one run (single flight). The returned
/// matrix may be shared between concurrent callers: treat it as read-only.
/// </summary>
public sealed partial class FeatureStore : IFeatureSource, IDisposable
{
    private readonly IBlobStore _store;
    private readonly ITeacherFactory _teacherFactory;
    private readonly FeatureStoreOptions _options;
    private readonly LocalFeatureCache? _cache;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TeacherEntry> _teachers = new(StringComparer.Ordinal);
    private readonly SingleFlight<string, FeatureMatrix> _flights = new();
    /// <summary>Complete sets read or written since this store started: key -> their shard blobs (for <see cref="LocallyCachedSetKeys"/>).</summary>
    private readonly ConcurrentDictionary<string, string[]> _completeSets = new(StringComparer.Ordinal);

    public FeatureStore(IBlobStore store, ITeacherFactory teachers, FeatureStoreOptions? options = null, LocalFeatureCache? cache = null,
        ILogger<FeatureStore>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        _store = store;
        _teacherFactory = teachers;
        _options = (options ?? new FeatureStoreOptions()).Validate();
        _cache = cache;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Instruments = new FeatureStoreInstruments(meterFactory);
        if (_cache is not null) _cache.Evicted += _ => Instruments.CacheEviction();
    }

    public IBlobStore BlobStore => _store;
    public LocalFeatureCache? Cache => _cache;
    public FeatureStoreInstruments Instruments { get; }

    public Task<FeatureMatrix> GetAsync(TeacherRef teacher, LoadedDataset dataset, SplitName split, CancellationToken cancellationToken) =>
        GetAsync(teacher, dataset, split, progress: null, cancellationToken);

    /// <summary>The features of <paramref name="split"/> for the teacher made from <paramref name="teacherSpec"/>
    /// (relative paths against <see cref="FeatureStoreOptions.BaseDirectory"/>).</summary>
    public Task<FeatureMatrix> GetAsync(string teacherSpec, LoadedDataset dataset, SplitName split, IProgress<FeatureProgress>? progress,
        CancellationToken cancellationToken) =>
        GetAsync(new TeacherRef(teacherSpec, teacherSpec), dataset, split, progress, cancellationToken);

    /// <summary>The features of <paramref name="split"/> for <paramref name="teacher"/> (its fingerprint, when the planner set it, is trusted).</summary>
    public async Task<FeatureMatrix> GetAsync(TeacherRef teacher, LoadedDataset dataset, SplitName split, IProgress<FeatureProgress>? progress,
        CancellationToken cancellationToken)
    {
        var entry = Entry(teacher.Spec);
        var id = IdFor(entry, teacher.Fingerprint, dataset, split);
        var context = new SetContext(id.Key, entry.Teacher(), dataset, split, progress);
        return await _flights.RunAsync(context.Key, ct => LoadOrExtractAsync(context, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The set key (<see cref="FeatureSetId.Key"/>) for a teacher (by spec), dataset and split.</summary>
    public string KeyFor(string teacherSpec, LoadedDataset dataset, SplitName split) => IdFor(Entry(teacherSpec), null, dataset, split).Key;

    public string KeyFor(TeacherRef teacher, LoadedDataset dataset, SplitName split) => IdFor(Entry(teacher.Spec), teacher.Fingerprint, dataset, split).Key;

    private static FeatureSetId IdFor(TeacherEntry entry, string? fingerprint, LoadedDataset dataset, SplitName split) =>
        FeatureSetId.For(entry.Spec, fingerprint ?? entry.Fingerprint.Value, dataset.Fingerprint, FeatureSetKey.SplitText(split));

    /// <summary>
    /// The keys of the complete sets this store has read or written since it started whose every shard is in the local
    /// cache now (evicted shards drop their set out); empty without a local cache. The placement hint worker slots report.
    /// </summary>
    public IReadOnlyList<string> LocallyCachedSetKeys()
    {
        if (_cache is null) return [];
        var keys = new List<string>();
        foreach (var (key, blobs) in _completeSets)
            if (blobs.All(_cache.Contains)) keys.Add(key);
        return keys;
    }

    private void RememberComplete(string key, IEnumerable<ManifestShard> shards) => _completeSets[key] = shards.Select(s => s.Blob).ToArray();

    /// <summary>The manifest stored for <paramref name="setKey"/> (any status), or null when there is none.</summary>
    public Task<FeatureManifest?> TryGetManifestAsync(string setKey, CancellationToken cancellationToken = default) =>
        new FeatureSetCatalog(_store).TryGetManifestAsync(setKey, cancellationToken);

    public void Dispose()
    {
        foreach (var entry in _teachers.Values)
            if (entry.Made.IsValueCreated) entry.Made.Value.Dispose();
        _teachers.Clear();
        Instruments.Dispose();
    }

    /// <summary>The parsed spec and its (lazily made) teacher; a spec that does not parse throws <see cref="TeacherException"/>.</summary>
    private TeacherEntry Entry(string spec)
    {
        if (_teachers.TryGetValue(spec, out var known)) return known;
        if (!TeacherSpec.TryParse(spec, _options.BaseDirectory, out var parsed, out var error)) throw new TeacherException(spec, error);
        return _teachers.GetOrAdd(spec, _ => new TeacherEntry(parsed, _teacherFactory, _teachers, spec));
    }

    /// <summary>
    /// One spec's teacher, made on first use; a failure is not remembered, so a later call tries again. The files'
    /// fingerprint is computed only when no caller brings the planner's.
    /// </summary>
    private sealed class TeacherEntry(TeacherSpec spec, ITeacherFactory factory, ConcurrentDictionary<string, TeacherEntry> owner, string key)
    {
        public TeacherSpec Spec { get; } = spec;
        public Lazy<ITeacher> Made { get; } = new(() => factory.Create(spec));
        public Lazy<string?> Fingerprint { get; } = new(() => TeacherFingerprint.Compute(spec));

        public ITeacher Teacher()
        {
            try
            {
                return Made.Value;
            }
            catch
            {
                owner.TryRemove(new KeyValuePair<string, TeacherEntry>(key, this)); // let a later call try again
                throw;
            }
        }
    }

    private async Task<FeatureMatrix> LoadOrExtractAsync(SetContext set, CancellationToken cancellationToken)
    {
        var (manifest, etag) = await ReadManifestAsync(set, cancellationToken).ConfigureAwait(false);
        if (manifest is null && etag is null) (manifest, etag) = await TryRekeyLegacyAsync(set, cancellationToken).ConfigureAwait(false);
        if (manifest is { Status: FeatureSetStatus.Complete })
            return await ReadCompleteAsync(set, manifest, etag!, cancellationToken).ConfigureAwait(false);
        return await ExtractAsync(set, manifest, etag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stored manifest when it describes this set; null (with the ETag, so it is replaced) when absent,
    /// unreadable or describing something else. A newer schema is refused: it must not be overwritten.
    /// </summary>
    private async Task<(FeatureManifest? Manifest, string? ETag)> ReadManifestAsync(SetContext set, CancellationToken cancellationToken)
    {
        var blob = await _store.TryGetAsync(set.ManifestBlob, cancellationToken).ConfigureAwait(false);
        if (blob is null) return (null, null);
        FeatureManifest m;
        try
        {
            m = FeatureManifestSerializer.Parse(blob.Bytes.Span, set.ManifestBlob);
        }
        catch (FeatureSchemaException)
        {
            throw;
        }
        catch (FeatureStoreException e)
        {
            FeatureStoreLog.ManifestUnreadable(_logger, set.ManifestBlob, e.Message);
            return (null, blob.ETag);
        }
        var problem = set.Mismatch(m);
        if (problem is not null)
        {
            FeatureStoreLog.ManifestMismatch(_logger, set.ManifestBlob, problem);
            return (null, blob.ETag);
        }
        return (m, blob.ETag);
    }

    /// <summary>
    /// A complete set stored under the key of layout 1 (<see cref="LegacyFeatureSetKey"/>), re-keyed: its manifest,
    /// with this set's key, written under this key and naming the same shard blobs, so nothing is copied or extracted.
    /// (null, null) when there is none, it is partial, unreadable or describes something else (then it is extracted).
    /// </summary>
    private async Task<(FeatureManifest? Manifest, string? ETag)> TryRekeyLegacyAsync(SetContext set, CancellationToken cancellationToken)
    {
        var legacyKey = LegacyFeatureSetKey.Compute(set.Teacher.Identity, set.Dataset.Fingerprint, set.Split);
        var legacyBlob = FeatureSetKey.ManifestBlob(legacyKey);
        var blob = await _store.TryGetAsync(legacyBlob, cancellationToken).ConfigureAwait(false);
        if (blob is null) return (null, null);
        FeatureManifest legacy;
        try
        {
            legacy = FeatureManifestSerializer.Parse(blob.Bytes.Span, legacyBlob);
        }
        catch (FeatureStoreException e)
        {
            FeatureStoreLog.ManifestUnreadable(_logger, legacyBlob, e.Message);
            return (null, null);
        }
        if (legacy.Status != FeatureSetStatus.Complete) return (null, null);
        var rekeyed = legacy with { Key = set.Key };
        if (set.Mismatch(rekeyed) is { } problem)
        {
            FeatureStoreLog.ManifestMismatch(_logger, legacyBlob, problem);
            return (null, null);
        }
        var etag = await WriteManifestAsync(set, rekeyed, null, cancellationToken).ConfigureAwait(false);
        FeatureStoreLog.Rekeyed(_logger, set.Key, legacyKey, rekeyed.Shards.Count);
        return (rekeyed, etag);
    }

    /// <summary>
    /// Writes a manifest conditionally on the ETag we last saw (create-only when none). If another writer got
    /// there first, takes the current ETag and writes once more: the other writer computed the same set.
    /// </summary>
    private async Task<string> WriteManifestAsync(SetContext set, FeatureManifest manifest, string? etag, CancellationToken cancellationToken)
    {
        FeatureManifestSerializer.Validate(manifest, set.ManifestBlob);
        var bytes = FeatureManifestSerializer.Serialize(manifest);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var condition = etag is null ? BlobCondition.IfAbsent : BlobCondition.IfMatch(etag);
            var written = await _store.TryPutAsync(set.ManifestBlob, bytes, condition, cancellationToken).ConfigureAwait(false);
            if (written is not null) return written;
            FeatureStoreLog.ManifestConflict(_logger, set.ManifestBlob);
            var current = await _store.TryGetPropertiesAsync(set.ManifestBlob, cancellationToken).ConfigureAwait(false);
            etag = current?.ETag;
        }
        throw new FeatureStoreException($"{set.ManifestBlob}: another process keeps rewriting this manifest; extract this set from one place at a time");
    }

    private sealed class SetContext(string key, ITeacher teacher, LoadedDataset dataset, SplitName split, IProgress<FeatureProgress>? progress)
    {
        public string Key { get; } = key;
        public ITeacher Teacher { get; } = teacher;
        public LoadedDataset Dataset { get; } = dataset;
        public SplitName Split { get; } = split;
        public string SplitText { get; } = FeatureSetKey.SplitText(split);
        public int Rows { get; } = dataset.Split(split).Rows;
        public int Dim { get; } = teacher.Dim;
        public string ManifestBlob { get; } = FeatureSetKey.ManifestBlob(key);
        /// <summary>Shards finished and planned in the current extraction (for row-level progress).</summary>
        public int ShardsDone { get; set; }
        public int ShardsTotal { get; set; }

        public void Report(long rowsDone, int shardsDone, int shardsTotal, FeaturePhase phase) =>
            progress?.Report(new FeatureProgress(Key, Teacher.Spec, SplitText, rowsDone, Rows, shardsDone, shardsTotal, phase));

        /// <summary>Why a manifest found under this key does not describe this set, or null when it does.</summary>
        public string? Mismatch(FeatureManifest m) =>
            m.Key != Key ? $"key {m.Key}"
            : m.Teacher.Identity != Teacher.Identity ? "a different teacher identity"
            : m.Dataset.Fingerprint != Dataset.Fingerprint ? "a different dataset fingerprint"
            : m.Split != SplitText ? $"split {m.Split}"
            : m.Rows != Rows ? $"{m.Rows} rows, the split has {Rows}"
            : m.Dim != Dim ? $"dim {m.Dim}, the teacher gives {Dim}"
            : m.Extractor != CodeVersion.Extractor ? $"extractor {m.Extractor}"
            : null;
    }
}
