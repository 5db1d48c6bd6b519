using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Dispatch;

/// <summary>
/// What each silo's local feature cache held when one of its slots last asked for work (<see cref="LeaseRequest.CachedFeatureKeys"/>,
/// feature-set keys). The queue uses it to keep a trial, for a bounded time, for a silo that already has its features.
/// A silo none of whose slots has leased or heartbeaten for <paramref name="horizon"/> (gone, or stuck) holds nothing,
/// so its last report does not delay trials for good. Not thread-safe: the dispatcher grain owns it.
/// </summary>
public sealed class FeatureLocality(TimeProvider? time = null, TimeSpan? horizon = null)
{
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, HashSet<string>> _bySilo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _horizon = horizon ?? DefaultHorizon;

    /// <summary>Records the cache the request reports for its silo and returns that set (empty when it reports none).</summary>
    public IReadOnlySet<string> Report(LeaseRequest request)
    {
        var silo = SiloOf(request.Worker);
        if (request.CachedFeatureKeys.Count == 0)
        {
            if (_bySilo.Remove(silo)) _lastSeen.Remove(silo);
            return EmptySet;
        }
        _lastSeen[silo] = _time.GetUtcNow();
        if (!_bySilo.TryGetValue(silo, out var keys) || !keys.SetEquals(request.CachedFeatureKeys))
            _bySilo[silo] = keys = new HashSet<string>(request.CachedFeatureKeys, StringComparer.Ordinal);
        return keys;
    }

    /// <summary>A slot of the worker's silo is alive (it heartbeats a lease): its silo's report stays current.</summary>
    public void Seen(string worker)
    {
        var silo = SiloOf(worker);
        if (_bySilo.ContainsKey(silo)) _lastSeen[silo] = _time.GetUtcNow();
    }

    /// <summary>True when the item has feature keys and every one is in <paramref name="cached"/>.</summary>
    public static bool IsLocal(WorkItem item, IReadOnlySet<string> cached) =>
        item.FeatureKeys.Count > 0 && cached.Count > 0 && item.FeatureKeys.All(cached.Contains);

    /// <summary>The silos other than <paramref name="exceptSilo"/> whose cache holds every feature key of the item.</summary>
    public IEnumerable<string> SilosHolding(WorkItem item, string? exceptSilo = null)
    {
        if (item.FeatureKeys.Count == 0 || _bySilo.Count == 0) return [];
        var since = _time.GetUtcNow() - _horizon;
        return _bySilo.Where(s => s.Key != exceptSilo && _lastSeen[s.Key] >= since && IsLocal(item, s.Value)).Select(s => s.Key);
    }

    /// <summary>"silo/device#slot" -> "silo" (a device name has no '/').</summary>
    public static string SiloOf(string worker)
    {
        var slash = worker.LastIndexOf('/');
        return slash < 0 ? worker : worker[..slash];
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();
}
