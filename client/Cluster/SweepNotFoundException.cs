namespace AftSweep.Client.Cluster;

/// <summary>The cluster has no sweep with that id.</summary>
public sealed class SweepNotFoundException(string sweepId)
    : Exception($"no sweep '{sweepId}' has been submitted to this cluster (submit its grid first)")
{
    public string SweepId { get; } = sweepId;
}
