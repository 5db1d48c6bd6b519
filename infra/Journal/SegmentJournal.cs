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
/// </summary>
public sealed class SegmentJournal : IDisposable
{
    public const string Extension = ".seg";

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

    public SegmentJournal(string directory, bool flushToDisk)
    {
        _directory = Path.GetFullPath(directory);
        _flushToDisk = flushToDisk;
    }

    public string Directory => _directory;

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
            // Listing the folder only when its entries changed (a new segment) keeps a read to a few fstat calls.
            var stamp = System.IO.Directory.GetLastWriteTimeUtc(_directory);
            if (stamp.Year < 1700) return; // no such folder yet
            if (stamp != _listedAt || _listed is null)
            {
                _listed = System.IO.Directory.EnumerateFiles(_directory, "*" + Extension).ToList();
                // A segment created within the clock's resolution of the listing may be missed: list again next time.
                _listedAt = DateTime.UtcNow - stamp < TimeSpan.FromSeconds(1) ? default : stamp;
            }
            foreach (var path in _listed)
            {
                Segment? segment;
                lock (_gate)
                {
                    if (path == _own?.Path) continue;
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
                        continue;
                    }
                    segment = new Segment(path, handle) { Offset = 0 };
                    lock (_gate) _segments[path] = segment;
                }
                Tail(segment);
            }
        }
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
            foreach (var frame in decoded)
            {
                Apply(frame.Key, new Entry(frame.Op, frame.Version, frame.Sequence, segment, frame.PayloadOffset, frame.PayloadLength));
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
                    var offset = start;
                    foreach (var p in batch)
                    {
                        var keyLength = System.Text.Encoding.UTF8.GetByteCount(p.Key);
                        var payloadOffset = offset + JournalFrame.PrefixLength + JournalFrame.FixedBody + keyLength;
                        Apply(p.Key, new Entry(p.Op, p.Version, p.Sequence, segment, payloadOffset, p.Frame.Length - (int)(payloadOffset - offset)));
                        offset += p.Frame.Length;
                    }
                }
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Done.TrySetException(new IOException($"journal {_directory}: append failed: {e.Message}", e));
            }
        }
    }

    private Segment CreateSegment()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{DateTime.UtcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}{Extension}");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        RandomAccess.Write(handle, JournalFrame.Header, 0);
        if (_flushToDisk) RandomAccess.FlushToDisk(handle);
        var segment = new Segment(path, handle) { Offset = JournalFrame.HeaderLength };
        lock (_gate) _segments[path] = segment;
        return segment;
    }

    private void Apply(string key, Entry entry)
    {
        if (_index.TryGetValue(key, out var known) && (known.Version, known.Sequence).CompareTo((entry.Version, entry.Sequence)) >= 0) return;
        _index[key] = entry;
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
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var segment in _segments.Values) segment.Handle.Dispose();
            _segments.Clear();
        }
    }

    private sealed class Segment(string path, SafeFileHandle handle)
    {
        public string Path { get; } = path;
        public SafeFileHandle Handle { get; } = handle;
        public long Offset { get; set; }
        public bool Torn { get; set; }
    }

    private readonly record struct Entry(JournalOp Op, long Version, long Sequence, Segment Segment, long PayloadOffset, int PayloadLength);

    private sealed record Pending(byte[] Frame, JournalOp Op, string Key, long Version, long Sequence, TaskCompletionSource Done);
}

/// <summary>A key's latest frame: a put with its payload, or a delete.</summary>
public sealed record JournalValue(JournalOp Op, long Version, byte[] Payload)
{
    public bool Deleted => Op == JournalOp.Delete;
}
