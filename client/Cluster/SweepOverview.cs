using AftSweep.Contracts.Cluster;

namespace AftSweep.Client.Cluster;

/// <summary>One line of the cluster's sweep list: the registration, its current status, and its last activity.</summary>
public sealed record SweepOverview(SweepRegistration Registration, SweepStatus Status, DateTimeOffset UpdatedAt)
{
    /// <summary>Where the sweep is: selection (stage 1 unfinished), final (stage 2), completed, cancelled.</summary>
    public string Stage => Status.Phase switch
    {
        SweepPhase.Completed => "completed",
        SweepPhase.Cancelled => "cancelled",
        SweepPhase.NotSubmitted => "not submitted",
        _ => Status.Selection.Finished < Status.Selection.Total ? "selection" : "final",
    };
}
