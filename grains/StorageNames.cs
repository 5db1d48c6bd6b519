namespace AftSweep.Grains;

/// <summary>Names of the grain storage providers grains persist to.</summary>
public static class StorageNames
{
    /// <summary>All AftSweep grain state (the state database: SQLite in the embedded default, PostgreSQL; or Azure Blob).</summary>
    public const string State = "aftsweep";

    /// <summary>
    /// The state names grains persist under (part of the storage contract: never rename). Public because `status` and
    /// `trials` read a state folder's sweeps without a silo (the client's StateFolderSweeps).
    /// </summary>
    public const string SweepState = "sweep";
    public const string SweepPlanState = "sweepplan";
    public const string TrialState = "trial";
}
