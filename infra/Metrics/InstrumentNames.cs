namespace AftSweep.Infra.Metrics;

/// <summary>
/// Every AftSweep instrument name in one place (as Orleans' InstrumentNames.cs). Prometheus names follow from these:
/// dots become underscores, counters get "_total", the unit is appended ("_seconds", "_bytes").
/// Labels are bounded: method, state, device, slot, reason, source, teacher kind, sweep id and grid name, combo and
/// lambda of a sweep's grid; never trial ids.
/// </summary>
public static class InstrumentNames
{
    public const string MeterName = "AftSweep";

    // Trials (label: method, state / reason)
    public const string TrialTransitions = "aftsweep.trial.transitions";
    public const string TrialsCurrent = "aftsweep.trials.current";
    public const string TrialDuration = "aftsweep.trial.duration";
    public const string TrialRetries = "aftsweep.trial.retries";
    public const string TrialFailures = "aftsweep.trial.failures";
    public const string LeaseExpirations = "aftsweep.lease.expirations";

    // Worker slots (label: device, slot)
    public const string TrainingSteps = "aftsweep.training.steps";
    public const string TrainingSamples = "aftsweep.training.samples";
    public const string SlotsBusy = "aftsweep.slots.busy";
    public const string Slots = "aftsweep.slots";
    public const string GpuMemoryInUse = "aftsweep.gpu.memory.used";

    // Feature cache (label: source = local|blob, teacher)
    public const string FeatureCacheHits = "aftsweep.features.cache.hits";
    public const string FeatureCacheMisses = "aftsweep.features.cache.misses";
    public const string FeatureBytesRead = "aftsweep.features.read";
    public const string FeatureRowsExtracted = "aftsweep.features.extracted.rows";

    // Storage (label: operation)
    public const string StorageRetries = "aftsweep.storage.retries";

    // State database (SQLite or PostgreSQL): group-committed batches of grain state and record writes
    public const string DatabaseCommitDuration = "aftsweep.db.commit.duration";
    public const string DatabaseCommitWrites = "aftsweep.db.commit.writes";

    // Sweeps (labels: sweep = the sweep id, grid = the grid's name)
    public const string SweepProgress = "aftsweep.sweep.progress";
    public const string SweepEta = "aftsweep.sweep.eta";

    // Science, per sweep and cell (labels: sweep, grid, method, combo; holdout accuracy also lambda): bounded by the grid.
    public const string HoldoutAccuracy = "aftsweep.science.holdout.accuracy";
    public const string ChosenLambda = "aftsweep.science.lambda.chosen";
    public const string TestAccuracy = "aftsweep.science.test.accuracy";
    public const string TestSeeds = "aftsweep.science.test.seeds";
}
