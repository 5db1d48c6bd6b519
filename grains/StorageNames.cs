namespace AftSweep.Grains;

/// <summary>Names of the grain storage providers grains persist to.</summary>
public static class StorageNames
{
    /// <summary>All AftSweep grain state (file storage in the embedded default, Azure Blob in a cluster).</summary>
    public const string State = "aftsweep";
}
