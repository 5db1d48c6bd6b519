using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Dispatch;

/// <summary>
/// The dispatcher's queue: FIFO, one entry per work key (enqueueing a queued key merges its sweeps), with a
/// device filter and placement by feature locality when taking (delay scheduling): a slot takes, within
/// <see cref="AffinityScan"/> items of the head, the first one whose feature sets its silo's cache holds; failing
/// that, the first one it can run, except an item that another silo's cache holds all the sets of, which is kept for
/// that silo until it has been queued for the locality wait, then goes to any slot. Not thread-safe: the grain owns it.
/// </summary>
public sealed class WorkQueue(FeatureLocality? locality = null, TimeSpan localityWait = default, TimeProvider? time = null)
{
    /// <summary>How far past the head a taker looks for an item whose features its silo already holds.</summary>
    public const int AffinityScan = 64;

    private readonly LinkedList<WorkItem> _items = new();
    private readonly Dictionary<string, LinkedListNode<WorkItem>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _queuedAt = new(StringComparer.Ordinal);
    private readonly FeatureLocality _locality = locality ?? new FeatureLocality();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>After a <see cref="Take"/> that passed over an item kept for another silo: when the first such item stops being kept.</summary>
    public DateTimeOffset? KeptUntil { get; private set; }

    public FeatureLocality Locality => _locality;

    public int Count => _items.Count;

    public bool Contains(string key) => _byKey.ContainsKey(key);

    public IEnumerable<WorkItem> Items => _items;

    /// <summary>Adds the item, or merges its sweeps into the queued one; true when it was new.</summary>
    public bool Add(WorkItem item, bool front = false)
    {
        if (_byKey.TryGetValue(item.Key, out var node))
        {
            node.Value = Merge(node.Value, item.SweepIds);
            return false;
        }
        _byKey[item.Key] = front ? _items.AddFirst(item) : _items.AddLast(item);
        _queuedAt[item.Key] = _time.GetUtcNow();
        return true;
    }

    public WorkItem? Remove(string key)
    {
        if (!_byKey.Remove(key, out var node)) return null;
        _items.Remove(node);
        _queuedAt.Remove(key);
        return node.Value;
    }

    /// <summary>
    /// Takes the item this slot should run next (see the type's summary), or null when there is none it can run or
    /// every one is kept for another silo (then <see cref="KeptUntil"/> says until when).
    /// </summary>
    public WorkItem? Take(LeaseRequest request)
    {
        var cached = _locality.Report(request);
        var silo = FeatureLocality.SiloOf(request.Worker);
        var now = _time.GetUtcNow();
        KeptUntil = null;
        LinkedListNode<WorkItem>? first = null;
        var scanned = 0;
        for (var node = _items.First; node is not null; node = node.Next)
        {
            if (!CanRun(request, node.Value)) continue;
            if (FeatureLocality.IsLocal(node.Value, cached))
            {
                first = node;
                break;
            }
            if (first is null)
            {
                if (KeptFor(node.Value, silo, now) is { } until) KeptUntil = KeptUntil is { } k && k < until ? k : until;
                else first = node;
            }
            // Nothing to prefer: the first runnable item not kept for another silo is the one.
            if (first is not null && cached.Count == 0) break;
            if (++scanned >= AffinityScan) break;
        }
        if (first is null) return null;
        _items.Remove(first);
        _byKey.Remove(first.Value.Key);
        _queuedAt.Remove(first.Value.Key);
        return first.Value;
    }

    /// <summary>Until when the item is kept for another silo that holds its features; null when any slot may take it now.</summary>
    private DateTimeOffset? KeptFor(WorkItem item, string silo, DateTimeOffset now)
    {
        if (localityWait <= TimeSpan.Zero || item.FeatureKeys.Count == 0) return null;
        var until = _queuedAt[item.Key] + localityWait;
        return until > now && _locality.SilosHolding(item, silo).Any() ? until : null;
    }

    /// <summary>Removes a sweep from every queued item; items no sweep wants any more are dropped. Returns how many were dropped.</summary>
    public int RemoveSweep(string sweepId)
    {
        var dropped = 0;
        for (var node = _items.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.SweepIds.Contains(sweepId))
            {
                var remaining = node.Value.SweepIds.Where(s => s != sweepId).ToList();
                if (remaining.Count == 0)
                {
                    _items.Remove(node);
                    _byKey.Remove(node.Value.Key);
                    _queuedAt.Remove(node.Value.Key);
                    dropped++;
                }
                else
                {
                    node.Value = node.Value with { SweepIds = remaining };
                }
            }
            node = next;
        }
        return dropped;
    }

    public static WorkItem Merge(WorkItem item, IReadOnlyList<string> sweepIds) =>
        sweepIds.All(item.SweepIds.Contains) ? item : item with { SweepIds = item.SweepIds.Concat(sweepIds).Distinct(StringComparer.Ordinal).ToList() };

    /// <summary>"auto" runs anywhere; "cuda" on any GPU slot; otherwise the device must match.</summary>
    public static bool CanRun(LeaseRequest request, WorkItem item)
    {
        if (!request.Kinds.Contains(item.Kind)) return false;
        var wanted = item.Device;
        return wanted == "auto"
            || wanted == request.Device
            || (wanted == "cuda" && request.Device.StartsWith("cuda:", StringComparison.Ordinal));
    }
}
