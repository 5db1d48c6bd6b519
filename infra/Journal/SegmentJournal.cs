using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace AftSweep.Infra.Journal;

/// <summary>
/// A folder of append-only segment files holding the latest value per key (see <see cref="JournalFrame"/>).
/// Each writer (one per folder per process: <see cref="Shared"/>) appends to its own segment, so processes sharing a
/// folder never write the same file; readers tail every segment. Appends are group-committed: concurrent appends are
/// written together in one write (and one fsync when <c>flushToDisk</c>), and none is acknowledged before its batch
/// is on disk. The latest value of a key is the frame with the highest (version, sequence); sequences come from a
/// hybrid clock (UTC ticks, never going back, advanced past every sequence read), so later writes on this machine win.
/// <para>
/// Compaction (see <see cref="Compact"/>): when superseded frames outweigh the live ones (and pass a floor), the writer
/// copies the latest frame of every key held by its own segments and by segments whose writer is gone into one new
/// segment (same frames: format, versions and sequences unchanged), written under a temp name, fsynced and renamed into
/// place, then deletes the segments it replaces. A crash at any point leaves the old segments, or the old and the new
/// (duplicate frames: the same (version, sequence), so either copy reads the same), or the new only: never neither.
/// A writer holds an exclusive lock on its segment's ".owner" file for its lifetime; a segment whose owner file is
/// unlocked (or absent: journals of earlier versions) has no live writer and may be compacted away.
/// </para>
/// </summary>
public sealed class SegmentJournal : IDisposable
{
    public const string Extension = ".seg";
    /// <summary>A writer's liveness lock beside its segment (X.seg: X.owner).</summary>
    public const string OwnerExtension = ".owner";
    /// <summary>A compacted segment being written; never read, removed when found unlocked.</summary>
    public const string CompactingExtension = ".compacting";
    /// <summary>The floor on superseded bytes before compaction starts on its own (besides outweighing the live bytes).</summary>
    public const long DefaultCompactAfterDeadBytes = 16L << 20;

    // Segments written by live writers of this process (an in-process check that needs no file lock).
    private static readonly ConcurrentDictionary<string, byte> OwnedPaths = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, SegmentJournal> Journals = new(StringComparer.Ordinal);
    private static long _clock;

    private readonly string _directory;
    private readonly bool _flushToDisk;
    private readonly Lock _gate = new();
    private readonly Lock _refreshGate = new();
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Segment> _segments = new(StringComparer.Ordinal);
    private List<Pending> _pending = [];
    private List<string>? _listed;
    private DateTime _listedAt;
    private bool _flushing;
    private Segment? _own;
    private bool _disposed;
    // Serialises writing to this writer's own segments: the flush loop's batches and compaction.
    private readonly Lock _writeGate = new();
    private readonly List<Segment> _owned = [];
    // Paths of this instance's segments, known before their files exist, so Refresh never tails them as foreign.
    private readonly HashSet<string> _mine = new(StringComparer.Ordinal);
    private List<Segment> _retired = [];
    private readonly long _compactAfterDeadBytes;
    // Frame bytes read or written (headers excluded), of them the latest frames of keys, and the superseded bytes a
    // compaction could not reclaim (segments of live writers elsewhere), which do not count towards the next one.
    private long _totalBytes;
    private long _liveBytes;
    private long _unreclaimable;
    private int _compacting;

    public SegmentJournal(string directory, bool flushToDisk, long compactAfterDeadBytes = DefaultCompactAfterDeadBytes)
    {
        _directory = Path.GetFullPath(directory);
        _flushToDisk = flushToDisk;
        _compactAfterDeadBytes = compactAfterDeadBytes;
    }

    public string Directory => _directory;

    /// <summary>Compactions done by this instance.</summary>
    public int Compactions { get; private set; }

    /// <summary>The last compaction that failed (it is retried once more superseded bytes accumulate); null when none did.</summary>
    public Exception? LastCompactionError { get; private set; }

    /// <summary>Frame bytes this instance has read or written, and of them the latest frame of each key.</summary>
    public (long Total, long Live) Size
    {
        get
        {
            lock (_gate) return (_totalBytes, _liveBytes);
        }
    }

    /// <summary>Test seam: called after each step of a compaction; throwing simulates a crash right there.</summary>
    internal Action<CompactionStep>? CompactionProbe { get; set; }

    /// <summary>The process-wide journal of a folder: every silo of this process that writes there shares its writer and index.</summary>
    public static SegmentJournal Shared(string directory, bool flushToDisk)
    {
        var journal = Journals.GetOrAdd(Path.GetFullPath(directory), d => new SegmentJournal(d, flushToDisk));
        if (flushToDisk && !journal._flushToDisk)
            throw new InvalidOperationException($"journal {journal._directory} is already open without flush-to-disk in this process; open every store of one folder with the same FlushToDisk");
        return journal;
    }

    /// <summary>Appends one frame; the task completes when it is written (and flushed to disk, if asked), never before.</summary>
    public Task AppendAsync(JournalOp op, string key, long version, ReadOnlySpan<byte> payload)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sequence = NextSequence();
            _pending.Add(new Pending(JournalFrame.Encode(op, key, version, sequence, payload), op, key, version, sequence, done));
            start = !_flushing;
            _flushing = true;
        }
        if (start)
        {
            // Without fsync a batch is one small write: do it on this thread. With fsync it takes milliseconds: off the caller.
            if (_flushToDisk) _ = Task.Run(FlushLoop);
            else FlushLoop();
        }
        return done.Task;
    }

    /// <summary>The latest frame of the key (after reading what other writers appended); null when none.</summary>
    public JournalValue? Get(string key)
    {
        Refresh();
        Entry entry;
        lock (_gate)
        {
            if (!_index.TryGetValue(key, out entry)) return null;
        }
        return new JournalValue(entry.Op, entry.Version, entry.Op == JournalOp.Put ? ReadPayload(entry) : []);
    }

    /// <summary>The latest frame's op and version without its payload; null when the key has none.</summary>
    public (JournalOp Op, long Version)? Peek(string key)
    {
        Refresh();
        lock (_gate)
        {
            return _index.TryGetValue(key, out var entry) ? (entry.Op, entry.Version) : null;
        }
    }

    /// <summary>Every key whose latest frame is a put, with its payload, in key order.</summary>
    public IReadOnlyList<(string Key, byte[] Payload)> ReadAll()
    {
        Refresh();
        List<(string Key, Entry Entry)> live;
        lock (_gate)
        {
            live = _index.Where(kv => kv.Value.Op == JournalOp.Put).Select(kv => (kv.Key, kv.Value)).ToList();
        }
        return live.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, ReadPayload(e.Entry))).ToList();
    }

    /// <summary>The segment files of a folder (none when it does not exist).</summary>
    public static bool HasSegments(string directory) =>
        System.IO.Directory.Exists(directory) && System.IO.Directory.EnumerateFiles(directory, "*" + Extension).Any();

    /// <summary>Reads what other writers appended since the last look (new segments, grown tails).</summary>
    public void Refresh()
    {
        lock (_refreshGate)
        {
            // A listed segment that is gone was replaced by a compaction, whose output is in the folder by then: list again.
            for (var pass = 0; pass < 3 && RefreshPass(); pass++) _listed = null;
        }
    }

    /// <summary>One look at the folder; true when a listed segment had disappeared.</summary>
    private bool RefreshPass()
    {
        // Listing the folder only when its entries changed (a new segment) keeps a read to a few fstat calls.
        var stamp = System.IO.Directory.GetLastWriteTimeUtc(_directory);
        if (stamp.Year < 1700) return false; // no such folder yet
        if (stamp != _listedAt || _listed is null)
        {
            _listed = System.IO.Directory.EnumerateFiles(_directory, "*" + Extension).Where(p => p.EndsWith(Extension, StringComparison.Ordinal)).ToList();
            // A segment created within the clock's resolution of the listing may be missed: list again next time.
            _listedAt = DateTime.UtcNow - stamp < TimeSpan.FromSeconds(1) ? default : stamp;
        }
        var missing = false;
        foreach (var path in _listed)
        {
            Segment? segment;
            lock (_gate)
            {
                if (_mine.Contains(path)) continue;
                _segments.TryGetValue(path, out segment);
            }
            if (segment is null)
            {
                SafeFileHandle handle;
                try
                {
                    handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (FileNotFoundException)
                {
                    missing = true;
                    continue;
                }
                segment = new Segment(path, handle) { Offset = 0 };
                lock (_gate) _segments[path] = segment;
            }
            Tail(segment);
        }
        return missing;
    }

    private void Tail(Segment segment)
    {
        var length = RandomAccess.GetLength(segment.Handle);
        if (segment.Offset == 0)
        {
            if (length < JournalFrame.HeaderLength) return; // its writer is still creating it
            Span<byte> header = stackalloc byte[JournalFrame.HeaderLength];
            RandomAccess.Read(segment.Handle, header, 0);
            if (!header.SequenceEqual(JournalFrame.Header))
                throw new InvalidDataException($"{segment.Path}: not an AftSweep journal segment of format {JournalFrame.FormatVersion} (header mismatch)");
            segment.Offset = JournalFrame.HeaderLength;
        }
        if (length <= segment.Offset || segment.Torn) return;
        var buffer = new byte[length - segment.Offset];
        var read = RandomAccess.Read(segment.Handle, buffer, segment.Offset);
        var position = 0;
        var decoded = new List<JournalFrame.Decoded>();
        while (position < read)
        {
            if (!JournalFrame.TryDecode(buffer.AsSpan(position, read - position), segment.Offset + position, out var frame, out var needMore))
            {
                // Incomplete: its writer is mid-append (read again later). Torn: a crash cut the segment here for good,
                // which only a dead writer leaves behind (live writers never append after a failed write: they roll over).
                if (!needMore) segment.Torn = true;
                break;
            }
            decoded.Add(frame);
            position += frame.FrameLength;
        }
        segment.Offset += position;
        lock (_gate)
        {
            segment.Bytes += position;
            _totalBytes += position;
            foreach (var frame in decoded)
            {
                Apply(frame.Key, new Entry(frame.Op, frame.Version, frame.Sequence, segment, frame.PayloadOffset, frame.PayloadLength, frame.FrameLength));
                AdvanceClock(frame.Sequence);
            }
        }
    }

    private void FlushLoop()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _pending;
                _pending = [];
            }
            try
            {
                lock (_writeGate) WriteBatch(batch);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Done.TrySetException(new IOException($"journal {_directory}: append failed: {e.Message}", e));
                continue;
            }
            // Off the appender's thread (often a grain's turn): appends queue meanwhile and go to the new segment.
            if (CompactionDue() && Interlocked.CompareExchange(ref _compacting, 1, 0) == 0)
            {
                _ = Task.Run(() =>
                {
                    try
                    {
                        // Appends go on meanwhile: compact again while they outweigh the live data (a failure raises the bar, ending the loop).
                        do TryCompact();
                        while (CompactionDue() && LastCompactionError is null && !_disposed);
                    }
                    finally
                    {
                        Volatile.Write(ref _compacting, 0);
                    }
                });
            }
        }
    }

    private void WriteBatch(List<Pending> batch)
    {
        var segment = _own ??= CreateSegment();
        var total = batch.Sum(p => p.Frame.Length);
        var buffer = new byte[total];
        var at = 0;
        foreach (var p in batch)
        {
            p.Frame.CopyTo(buffer, at);
            at += p.Frame.Length;
        }
        var start = segment.Offset;
        try
        {
            RandomAccess.Write(segment.Handle, buffer, start);
            if (_flushToDisk) RandomAccess.FlushToDisk(segment.Handle);
        }
        catch
        {
            // The segment may now end in a partial frame: never append after it; the next batch starts a new segment.
            _own = null;
            throw;
        }
        segment.Offset = start + total;
        lock (_gate)
        {
            segment.Bytes += total;
            _totalBytes += total;
            var offset = start;
            foreach (var p in batch)
            {
                var keyLength = System.Text.Encoding.UTF8.GetByteCount(p.Key);
                var payloadOffset = offset + JournalFrame.PrefixLength + JournalFrame.FixedBody + keyLength;
                Apply(p.Key, new Entry(p.Op, p.Version, p.Sequence, segment, payloadOffset, p.Frame.Length - (int)(payloadOffset - offset), p.Frame.Length));
                offset += p.Frame.Length;
            }
        }
    }

    private bool CompactionDue()
    {
        lock (_gate)
        {
            var dead = _totalBytes - _liveBytes - _unreclaimable;
            return dead > _compactAfterDeadBytes && dead > _liveBytes;
        }
    }

    private void TryCompact()
    {
        try
        {
            Compact();
            LastCompactionError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ObjectDisposedException or SimulatedCrashException)
        {
            // The journal is intact (see Compact); wait for as much superseded data again before the next try.
            LastCompactionError = e;
            lock (_gate) _unreclaimable = _totalBytes - _liveBytes;
        }
    }

    /// <summary>
    /// Rewrites the latest frame of every key held by this writer's segments and by segments without a live writer into
    /// one new segment (which this writer then appends to), and deletes the segments it replaces. Returns the bytes
    /// reclaimed. Readers keep working throughout: a reader that still holds a deleted segment open reads it; a reader
    /// that lists the folder finds the new segment before the old ones disappear.
    /// </summary>
    public long Compact()
    {
        Refresh();
        lock (_writeGate)
        lock (_refreshGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RemoveStaleFiles();
            var sources = new List<Segment>();
            List<Segment> foreign;
            lock (_gate)
            {
                sources.AddRange(_owned);
                foreign = _segments.Values.Where(s => !s.Owned).ToList();
            }
            sources.AddRange(foreign.Where(IsSealed));
            if (sources.Count == 0) return 0;

            var sourceSet = sources.ToHashSet();
            List<(string Key, Entry Entry)> live;
            lock (_gate) live = _index.Where(kv => sourceSet.Contains(kv.Value.Segment)).Select(kv => (kv.Key, kv.Value)).OrderBy(e => e.Value.Sequence).ToList();

            var name = $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}";
            var path = Path.Combine(_directory, name + Extension);
            var temp = Path.Combine(_directory, name + CompactingExtension);
            var owner = OpenOwner(path);
            lock (_gate) _mine.Add(path);
            SafeFileHandle? handle = null;
            Segment? segment = null;
            var renamed = false;
            var registered = false;
            try
            {
                handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
                segment = new Segment(path, handle) { Owned = true, OwnerLock = owner };
                var moved = WriteCompacted(segment, live);
                CompactionProbe?.Invoke(CompactionStep.Written);
                // Complete on disk now: the rename makes it a segment, and a reader listing the folder sees it before any source goes.
                File.Move(temp, path);
                renamed = true;
                DirectorySync.Flush(_directory);
                CompactionProbe?.Invoke(CompactionStep.Renamed);

                var reclaimed = 0L;
                lock (_gate)
                {
                    _segments[path] = segment;
                    OwnedPaths[path] = 0;
                    foreach (var (key, old, @new) in moved)
                    {
                        // Only frames that are still the latest move; a newer frame read meanwhile stays where it is.
                        if (!_index.TryGetValue(key, out var current) || current != old) continue;
                        old.Segment.LiveBytes -= old.FrameLength;
                        _index[key] = @new;
                        segment.LiveBytes += @new.FrameLength;
                    }
                    foreach (var source in sources)
                    {
                        _segments.Remove(source.Path);
                        _totalBytes -= source.Bytes;
                        reclaimed += source.Bytes;
                    }
                    _totalBytes += segment.Bytes;
                    reclaimed -= segment.Bytes;
                    _owned.Clear();
                    _owned.Add(segment);
                    _own = segment;
                    _unreclaimable = _totalBytes - _liveBytes;
                    registered = true;
                }
                // Handles of the previous compaction's sources: no read can still be using them.
                foreach (var old in _retired) old.Handle.Dispose();
                _retired = [];
                foreach (var source in sources)
                {
                    _retired.Add(source);
                    DeleteSegmentFiles(source);
                    CompactionProbe?.Invoke(CompactionStep.SourceDeleted);
                }
                DirectorySync.Flush(_directory);
                Compactions++;
                return reclaimed;
            }
            catch (Exception e)
            {
                var crash = e is SimulatedCrashException;
                if (registered)
                {
                    // Sources not deleted yet stay on disk (a later compaction removes them); this instance lets go of them.
                    if (crash) foreach (var source in sources) Release(source);
                }
                else
                {
                    if (segment is not null) Release(segment);
                    else
                    {
                        lock (_gate) _mine.Remove(path);
                        owner.Dispose();
                        handle?.Dispose();
                    }
                    if (!renamed && !crash)
                    {
                        TryDelete(temp);
                        TryDelete(Path.ChangeExtension(path, OwnerExtension));
                    }
                }
                throw;
            }
        }
    }

    /// <summary>Writes the latest frames into the new segment's file (header first) and flushes it to disk; returns where each frame went.</summary>
    private List<(string Key, Entry Old, Entry New)> WriteCompacted(Segment segment, List<(string Key, Entry Entry)> live)
    {
        var moved = new List<(string Key, Entry Old, Entry New)>(live.Count);
        var buffer = new MemoryStream(1 << 20);
        buffer.Write(JournalFrame.Header);
        long written = 0;
        long offset = JournalFrame.HeaderLength;
        foreach (var (key, entry) in live)
        {
            var payload = entry.Op == JournalOp.Put ? ReadPayload(entry) : [];
            var frame = JournalFrame.Encode(entry.Op, key, entry.Version, entry.Sequence, payload);
            buffer.Write(frame);
            moved.Add((key, entry, new Entry(entry.Op, entry.Version, entry.Sequence, segment, offset + frame.Length - payload.Length, payload.Length, frame.Length)));
            offset += frame.Length;
            if (buffer.Length >= 1 << 20) Drain();
        }
        Drain();
        RandomAccess.FlushToDisk(segment.Handle);
        segment.Offset = offset;
        segment.Bytes = offset - JournalFrame.HeaderLength;
        return moved;

        void Drain()
        {
            RandomAccess.Write(segment.Handle, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), written);
            written += buffer.Length;
            buffer.SetLength(0);
        }
    }

    /// <summary>Lets go of a segment without touching its files: handle, owner lock, and this process's claim on it.</summary>
    private void Release(Segment segment)
    {
        OwnedPaths.TryRemove(segment.Path, out _);
        lock (_gate) _mine.Remove(segment.Path);
        segment.OwnerLock?.Dispose();
        segment.Handle.Dispose();
    }

    /// <summary>True when no live writer appends to the segment (its owner file is unlocked or absent).</summary>
    private static bool IsSealed(Segment segment)
    {
        if (OwnedPaths.ContainsKey(segment.Path)) return false;
        if (FileLocking.Disabled) return false; // without locks a live writer of another process cannot be told apart
        var owner = Path.ChangeExtension(segment.Path, OwnerExtension);
        try
        {
            using var probe = File.OpenHandle(owner, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (FileNotFoundException)
        {
            return true; // a segment of an earlier version, or a writer that died creating it
        }
        catch (IOException)
        {
            return false; // locked: its writer is alive
        }
    }

    /// <summary>
    /// Removes what crashes leave behind: compaction temp files, and owner files whose segment is gone. Either kind is
    /// locked while in use (a compaction or a segment being created elsewhere), and then left alone.
    /// </summary>
    private void RemoveStaleFiles()
    {
        if (!System.IO.Directory.Exists(_directory)) return;
        var stale = System.IO.Directory.EnumerateFiles(_directory, "*" + CompactingExtension).Where(p => p.EndsWith(CompactingExtension, StringComparison.Ordinal))
            .Concat(System.IO.Directory.EnumerateFiles(_directory, "*" + OwnerExtension)
                .Where(p => p.EndsWith(OwnerExtension, StringComparison.Ordinal) && !File.Exists(Path.ChangeExtension(p, Extension))))
            .ToList();
        foreach (var path in stale)
        {
            try
            {
                using (File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                File.Delete(path);
            }
            catch (IOException)
            {
                // in use, or already gone
            }
        }
    }

    private void DeleteSegmentFiles(Segment source)
    {
        OwnedPaths.TryRemove(source.Path, out _);
        lock (_gate) _mine.Remove(source.Path);
        TryDelete(source.Path);
        source.OwnerLock?.Dispose();
        TryDelete(Path.ChangeExtension(source.Path, OwnerExtension));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // already gone, or held open on a system that forbids deleting open files: the next compaction retries
        }
    }

    /// <summary>Creates and exclusively locks the owner file of a segment about to exist (before it exists, so it is never seen unowned).</summary>
    private SafeFileHandle OpenOwner(string segmentPath) =>
        File.OpenHandle(Path.ChangeExtension(segmentPath, OwnerExtension), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

    private Segment CreateSegment()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}{Extension}");
        var owner = OpenOwner(path);
        OwnedPaths[path] = 0;
        lock (_gate) _mine.Add(path);
        try
        {
            var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            RandomAccess.Write(handle, JournalFrame.Header, 0);
            if (_flushToDisk) RandomAccess.FlushToDisk(handle);
            var segment = new Segment(path, handle) { Offset = JournalFrame.HeaderLength, Owned = true, OwnerLock = owner };
            lock (_gate)
            {
                _segments[path] = segment;
                _owned.Add(segment);
            }
            return segment;
        }
        catch
        {
            OwnedPaths.TryRemove(path, out _);
            lock (_gate) _mine.Remove(path);
            owner.Dispose();
            throw;
        }
    }

    private void Apply(string key, Entry entry)
    {
        if (_index.TryGetValue(key, out var known))
        {
            if ((known.Version, known.Sequence).CompareTo((entry.Version, entry.Sequence)) >= 0) return;
            known.Segment.LiveBytes -= known.FrameLength;
            _liveBytes -= known.FrameLength;
        }
        _index[key] = entry;
        entry.Segment.LiveBytes += entry.FrameLength;
        _liveBytes += entry.FrameLength;
    }

    private static byte[] ReadPayload(Entry entry)
    {
        var bytes = new byte[entry.PayloadLength];
        var read = RandomAccess.Read(entry.Segment.Handle, bytes, entry.PayloadOffset);
        if (read != bytes.Length) throw new InvalidDataException($"{entry.Segment.Path}: frame at {entry.PayloadOffset} is cut short (file truncated?)");
        return bytes;
    }

    private static long NextSequence()
    {
        while (true)
        {
            var last = Volatile.Read(ref _clock);
            var next = Math.Max(last + 1, DateTime.UtcNow.Ticks);
            if (Interlocked.CompareExchange(ref _clock, next, last) == last) return next;
        }
    }

    private static void AdvanceClock(long seen)
    {
        long last;
        while ((last = Volatile.Read(ref _clock)) < seen && Interlocked.CompareExchange(ref _clock, seen, last) != last)
        {
        }
    }

    public void Dispose()
    {
        // Waits for a compaction in progress, which writes through handles disposed here.
        lock (_writeGate)
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var segment in _segments.Values)
            {
                segment.Handle.Dispose();
                if (segment.OwnerLock is not null) OwnedPaths.TryRemove(segment.Path, out _);
                segment.OwnerLock?.Dispose();
            }
            foreach (var segment in _retired) segment.Handle.Dispose();
            _segments.Clear();
        }
    }

    private sealed class Segment(string path, SafeFileHandle handle)
    {
        public string Path { get; } = path;
        public SafeFileHandle Handle { get; } = handle;
        public long Offset { get; set; }
        public bool Torn { get; set; }
        /// <summary>Frame bytes read or written (header excluded), and of them the latest frames of their keys.</summary>
        public long Bytes { get; set; }
        public long LiveBytes { get; set; }
        /// <summary>Written by this instance (its own segments: appended to, or the output of its compaction).</summary>
        public bool Owned { get; init; }
        /// <summary>The exclusive lock on the ".owner" file that tells other processes this segment's writer is alive.</summary>
        public SafeFileHandle? OwnerLock { get; init; }
    }

    private readonly record struct Entry(JournalOp Op, long Version, long Sequence, Segment Segment, long PayloadOffset, int PayloadLength, int FrameLength);

    private sealed record Pending(byte[] Frame, JournalOp Op, string Key, long Version, long Sequence, TaskCompletionSource Done);
}

/// <summary>The steps of a compaction after which a crash is simulated in tests.</summary>
internal enum CompactionStep
{
    /// <summary>The new segment is complete under its temp name; nothing is visible yet.</summary>
    Written,
    /// <summary>The new segment is in place beside the segments it replaces.</summary>
    Renamed,
    /// <summary>One replaced segment (and its owner file) is gone.</summary>
    SourceDeleted,
}

/// <summary>What a test's <see cref="SegmentJournal.CompactionProbe"/> throws to stop a compaction as a crash would (files left as they are).</summary>
internal sealed class SimulatedCrashException(CompactionStep step) : Exception($"simulated crash after compaction step {step}")
{
    public CompactionStep Step { get; } = step;
}

/// <summary>A key's latest frame: a put with its payload, or a delete.</summary>
public sealed record JournalValue(JournalOp Op, long Version, byte[] Payload)
{
    public bool Deleted => Op == JournalOp.Delete;
}
