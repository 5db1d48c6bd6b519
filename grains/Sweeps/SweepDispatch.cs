using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Interfaces;

namespace AftSweep.Grains.Sweeps;

/// <summary>
/// One sweep's calls to the dispatcher: work queued in chunks (one call per chunk keeps each message small), cancel,
/// resume, forget, and the queued or leased work by trial id. Remembers whether the dispatcher was told to forget the
/// sweep, so a finished sweep says so once and queueing anything again undoes it.
/// </summary>
public sealed class SweepDispatch(Func<IDispatcherGrain> dispatcher, string sweepId)
{
    private const int Chunk = 1000;

    /// <summary>The dispatcher has forgotten the sweep (finished or cancelled), and nothing was queued since.</summary>
    public bool Forgotten { get; private set; }

    public async Task<int> EnqueueAsync(IReadOnlyList<WorkItem> items)
    {
        Forgotten = false;
        var added = 0;
        foreach (var chunk in items.Chunk(Chunk)) added += await dispatcher().EnqueueAsync(sweepId, chunk);
        return added;
    }

    /// <summary>Tells the dispatcher the sweep needs nothing more; false when it was told already.</summary>
    public async Task<bool> ForgetAsync()
    {
        if (Forgotten) return false;
        Forgotten = true;
        await dispatcher().ForgetSweepAsync(sweepId);
        return true;
    }

    public Task CancelAsync() => dispatcher().CancelSweepAsync(sweepId);

    /// <summary>The dispatcher accepts the sweep's items again (call before queueing any).</summary>
    public async Task ResumeAsync()
    {
        await dispatcher().ResumeSweepAsync(sweepId);
        Forgotten = false;
    }

    /// <summary>The queued or leased work by trial id (the newest entry of a trial wins).</summary>
    public async Task<IReadOnlyDictionary<string, ActiveWork>> ActiveAsync()
    {
        var active = await dispatcher().GetActiveAsync(sweepId);
        return active.GroupBy(a => a.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }
}
