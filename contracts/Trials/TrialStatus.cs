namespace AftSweep.Contracts.Trials;

/// <summary>A trial's state machine. Numbers are persisted: never renumber.</summary>
public enum TrialStatus
{
    Pending = 1,
    Leased = 2,
    Running = 3,
    Succeeded = 4,
    Failed = 5,
    Cancelled = 6,
}
