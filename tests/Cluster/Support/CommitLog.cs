using System.Collections.Concurrent;
using AftSweep.Contracts.Cluster;
using AftSweep.Workers.Slots;

namespace AftSweep.Tests.Cluster.Support;

/// <summary>Every commit every slot made, with the dispatcher's reply: exactly-once is "one Accepted per trial".</summary>
public sealed class CommitLog : IWorkerSlotObserver
{
    private readonly ConcurrentQueue<(string Worker, string Key, CommitReply Reply)> _commits = new();

    public void OnCommitted(string worker, WorkItem item, CommitReply reply, TimeSpan leaseToCommit) => _commits.Enqueue((worker, item.Key, reply));

    public IReadOnlyList<(string Worker, string Key, CommitReply Reply)> Commits => _commits.ToList();

    public int Accepted(string key) => _commits.Count(c => c.Key == key && c.Reply == CommitReply.Accepted);
}
