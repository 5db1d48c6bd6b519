namespace AftSweep.Workers.Slots;

/// <summary>
/// Where one item's lease-to-commit time went, as its slot saw it. The parts add up to the whole: from the moment the
/// slot received the lease (the grant reply) to the moment it received the commit acknowledgement (the outcome durable).
/// For an item of a batch, the time it waited behind earlier items of its batch (<see cref="Queued"/>) and the time its
/// finished outcome waited for the rest of the batch before being committed (<see cref="Held"/>) are part of its latency.
/// </summary>
/// <param name="Heartbeat">The first heartbeat's round trip (leased to running), before any item of the lease starts.</param>
/// <param name="Queued">Waiting for earlier items of the same batch to run.</param>
/// <param name="Execute">Running the item itself (the executor, on the thread pool).</param>
/// <param name="Held">Finished, waiting for its commit to be sent (the rest of its batch, or the next heartbeat tick).</param>
/// <param name="Commit">The commit call's round trip: the hop to the dispatcher, the owner's persistence, the reply.</param>
public readonly record struct LeaseTimeline(TimeSpan Heartbeat, TimeSpan Queued, TimeSpan Execute, TimeSpan Held, TimeSpan Commit)
{
    public TimeSpan Total => Heartbeat + Queued + Execute + Held + Commit;
}
