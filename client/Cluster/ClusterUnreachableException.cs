namespace AftSweep.Client.Cluster;

/// <summary>No AftSweep cluster answered: says what was tried and how to start one.</summary>
public sealed class ClusterUnreachableException(string target, Exception inner) : Exception(
    $"could not reach an AftSweep cluster at {target}: {inner.GetType().Name}: {inner.Message}. " +
    "Start a silo first (`aftsweep-silo`, see docs/cluster.md), check the Cluster settings (ports, cluster id, connection string), " +
    "or use `aftsweep run` to run the sweep in an embedded cluster.", inner)
{
    public string Target { get; } = target;
}
