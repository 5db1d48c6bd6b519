using AftSweep.Contracts.Cluster;

namespace AftSweep.Grains.Workers;

/// <summary>Sees every commit a slot makes, with the time from lease grant to commit acknowledgement (benchmarks, tests).</summary>
public interface IWorkerSlotObserver
{
    void OnCommitted(string worker, WorkItem item, CommitReply reply, TimeSpan leaseToCommit);
}
