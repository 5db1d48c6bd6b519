namespace AftSweep.Grains;

/// <summary>Names of the grain storage providers grains persist to.</summary>
public static class StorageNames
{
    /// <summary>All AftSweep grain state (the state database: SQLite in the embedded default, PostgreSQL; or Azure Blob).</summary>
    public const string State = "aftsweep";
}
