using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Workers;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>Collects lease-to-commit latencies of accepted commits from every slot of every silo.</summary>
public sealed class LatencyRecorder : IWorkerSlotObserver
{
    private readonly Lock _gate = new();
    private readonly List<double> _ms = [];
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

    public void OnCommitted(string worker, WorkItem item, CommitReply reply, TimeSpan leaseToCommit)
    {
        lock (_gate)
        {
            if (reply == CommitReply.Accepted) _ms.Add(leaseToCommit.TotalMilliseconds);
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

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
