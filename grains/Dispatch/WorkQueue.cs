using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Dispatch;

/// <summary>
/// The dispatcher's queue: FIFO, one entry per work key (enqueueing a queued key merges its sweeps), with a
/// device filter and a feature-affinity preference when taking. Not thread-safe: the grain owns it.
/// </summary>
public sealed class WorkQueue
{
    /// <summary>How far past the head a taker looks for an item whose features its silo already holds.</summary>
    public const int AffinityScan = 64;

    private readonly LinkedList<WorkItem> _items = new();
    private readonly Dictionary<string, LinkedListNode<WorkItem>> _byKey = new(StringComparer.Ordinal);

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
        return true;
    }

    public WorkItem? Remove(string key)
    {
        if (!_byKey.Remove(key, out var node)) return null;
        _items.Remove(node);
        return node.Value;
    }

    /// <summary>Takes the first item the slot can run, preferring (within <see cref="AffinityScan"/>) one whose features it holds.</summary>
    public WorkItem? Take(LeaseRequest request)
    {
        LinkedListNode<WorkItem>? first = null;
        var scanned = 0;
        for (var node = _items.First; node is not null; node = node.Next)
        {
            if (!CanRun(request, node.Value)) continue;
            first ??= node;
            if (request.CachedFeatureKeys.Count == 0) break;
            if (node.Value.FeatureKeys.Count > 0 && node.Value.FeatureKeys.All(request.CachedFeatureKeys.Contains))
            {
                first = node;
                break;
            }
            if (++scanned >= AffinityScan) break;
        }
        if (first is null) return null;
        _items.Remove(first);
        _byKey.Remove(first.Value.Key);
        return first.Value;
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
