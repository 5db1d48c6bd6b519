using System.Diagnostics.Metrics;
using AftSweep.Infra.Metrics;

namespace AftSweep.Infra.Database;

/// <summary>Commit batches of the state database, on their own process-wide meter ("AftSweep.Database").</summary>
public static class DatabaseMetrics
{
    public const string MeterName = "AftSweep.Database";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> CommitSeconds = Meter.CreateHistogram<double>(InstrumentNames.DatabaseCommitDuration, "s",
        "Time to run and commit one batch of state and record writes.");
    private static readonly Histogram<int> BatchWrites = Meter.CreateHistogram<int>(InstrumentNames.DatabaseCommitWrites, "{write}",
        "Writes carried by one commit (group commit).");

    public static void Committed(int writes, TimeSpan elapsed)
    {
        CommitSeconds.Record(elapsed.TotalSeconds);
        BatchWrites.Record(writes);
    }
}
