using AftSweep.Contracts.Cluster;
using AftSweep.Workers.Slots;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// Collects the lease-to-commit latency of every accepted commit from every slot of every silo: per item, from the
/// moment its slot received the lease to the moment the slot received the commit acknowledgement (see
/// <see cref="LeaseTimeline"/>), so an item of a batch counts the time it waited for its batch-mates too.
/// </summary>
public sealed class LatencyRecorder : IWorkerSlotObserver
{
    private readonly Lock _gate = new();
    private readonly List<double> _ms = [];
    private readonly double[] _phaseMs = new double[5];
    private int _stale;
    private int _target = int.MaxValue;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this many commits were accepted (so a benchmark need not poll the sweep while it runs).</summary>
    public Task WhenAccepted(int count)
    {
        lock (_gate)
        {
            _target = count;
            if (_ms.Count >= count) _reached.TrySetResult();
        }
        return _reached.Task;
    }

    public void OnCommitted(string worker, WorkItem item, CommitReply reply, TimeSpan leaseToCommit) =>
        OnCommitted(worker, item, reply, new LeaseTimeline(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, leaseToCommit));

    public void OnCommitted(string worker, WorkItem item, CommitReply reply, LeaseTimeline timeline)
    {
        lock (_gate)
        {
            if (reply == CommitReply.Accepted)
            {
                _ms.Add(timeline.Total.TotalMilliseconds);
                _phaseMs[0] += timeline.Heartbeat.TotalMilliseconds;
                _phaseMs[1] += timeline.Queued.TotalMilliseconds;
                _phaseMs[2] += timeline.Execute.TotalMilliseconds;
                _phaseMs[3] += timeline.Held.TotalMilliseconds;
                _phaseMs[4] += timeline.Commit.TotalMilliseconds;
            }
            else _stale++;
            if (_ms.Count >= _target) _reached.TrySetResult();
        }
    }

    public (int Accepted, int Other, double P50, double P99) Summary()
    {
        lock (_gate)
        {
            var sorted = _ms.Order().ToArray();
            return (sorted.Length, _stale, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        }
    }

    /// <summary>Mean milliseconds per accepted commit in each phase; they add up to the mean lease-to-commit time.</summary>
    public LatencyPhases Phases()
    {
        lock (_gate)
        {
            var n = Math.Max(1, _ms.Count);
            return new LatencyPhases(_phaseMs[0] / n, _phaseMs[1] / n, _phaseMs[2] / n, _phaseMs[3] / n, _phaseMs[4] / n);
        }
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Mean milliseconds per trial in each phase of lease-to-commit (see <see cref="LeaseTimeline"/>).</summary>
public sealed record LatencyPhases(double HeartbeatMs, double QueuedMs, double ExecuteMs, double HeldMs, double CommitMs)
{
    public double TotalMs => HeartbeatMs + QueuedMs + ExecuteMs + HeldMs + CommitMs;
}
