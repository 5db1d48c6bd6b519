using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Dispatch;

/// <summary>A live lease as the dispatcher tracks it (in memory; the owner grain holds the durable token).</summary>
public sealed class LeaseEntry(Guid leaseId, WorkItem item, long token, int attempt, string worker, DateTimeOffset expiresAt)
{
    public Guid LeaseId { get; } = leaseId;
    public WorkItem Item { get; set; } = item;
    public long Token { get; } = token;
    public int Attempt { get; } = attempt;
    public string Worker { get; } = worker;
    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;
    public bool Running { get; set; }
    public bool Cancelled { get; set; }
    public TrialProgress? Progress { get; set; }

    public ActiveWork ToActive() => new(Item.Key, Running ? TrialStatus.Running : TrialStatus.Leased, Worker, Attempt, Progress);
}
