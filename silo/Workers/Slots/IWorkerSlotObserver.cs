using AftSweep.Contracts.Cluster;

namespace AftSweep.Workers.Slots;

/// <summary>Sees every commit a slot makes, with the time from lease grant to commit acknowledgement (benchmarks, tests).</summary>
public interface IWorkerSlotObserver
{
    void OnCommitted(string worker, WorkItem item, CommitReply reply, TimeSpan leaseToCommit);

    /// <summary>The same commit with its lease-to-commit time split into phases (<see cref="LeaseTimeline.Total"/> is that time).</summary>
    void OnCommitted(string worker, WorkItem item, CommitReply reply, LeaseTimeline timeline) => OnCommitted(worker, item, reply, timeline.Total);
}
