using System.Diagnostics.Metrics;
using AftSweep.Infra.Database;
using AftSweep.Infra.Metrics;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// Listens to the state database's commit instruments (<see cref="DatabaseMetrics"/>) for the length of a benchmark: how
/// many transactions carried the writes (group commit) and how long the writer spent in them.
/// </summary>
public sealed class CommitBatchRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches;
    private long _writes;
    private double _seconds;

    public CommitBatchRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DatabaseMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name != InstrumentNames.DatabaseCommitWrites) return;
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, value);
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name != InstrumentNames.DatabaseCommitDuration) return;
            lock (_listener) _seconds += value;
        });
        _listener.Start();
    }

    /// <summary>Transactions committed, writes they carried, and the writer's time in them (run and commit).</summary>
    public CommitBatches Summary()
    {
        lock (_listener)
        {
            var batches = Interlocked.Read(ref _batches);
            var writes = Interlocked.Read(ref _writes);
            return new CommitBatches(batches, writes, batches == 0 ? 0 : (double)writes / batches, batches == 0 ? 0 : _seconds * 1000 / batches, _seconds);
        }
    }

    public void Dispose() => _listener.Dispose();
}

/// <param name="Commits">Transactions the state database committed.</param>
/// <param name="Writes">Grain state and record writes they carried.</param>
/// <param name="WritesPerCommit">Mean writes per transaction (group commit).</param>
/// <param name="CommitMs">Mean time to run and commit one transaction.</param>
/// <param name="WriterSeconds">The writer's total time in transactions (how busy the single writer was).</param>
public sealed record CommitBatches(long Commits, long Writes, double WritesPerCommit, double CommitMs, double WriterSeconds);
