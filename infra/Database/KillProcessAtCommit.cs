using System.Diagnostics;

namespace AftSweep.Infra.Database;

/// <summary>Where in a commit <see cref="KillProcessAtCommit"/> kills the process.</summary>
public enum CommitPoint
{
    /// <summary>
    /// The commit has not happened: SQLite, the batch's statements ran in its open transaction; PostgreSQL, the batch
    /// (one implicit transaction, one round trip) has not left the process. Nothing of it may survive.
    /// </summary>
    BeforeCommit = 1,
    /// <summary>The transaction committed, no writer was told: all of it must survive, and be treated as done.</summary>
    AfterCommit = 2,
}

/// <summary>
/// Crash tests: SIGKILL this process at <paramref name="point"/> of the <paramref name="nth"/> commit batch that writes
/// trial records (a trial's commit: records and state in one transaction), the way a power cut or an OOM kill would
/// land there. Configured on a silo with FaultInjection:KillAtCommit (BeforeCommit or AfterCommit) and
/// FaultInjection:AfterRecordCommits (n, default 1); never set in production.
/// </summary>
public sealed class KillProcessAtCommit(CommitPoint point, int nth) : ICommitFaults
{
    public const string Section = "FaultInjection";
    private int _seen;

    public void BeforeCommit(int writes, int recordChanges) => Check(CommitPoint.BeforeCommit, recordChanges);

    public void AfterCommit(int writes, int recordChanges) => Check(CommitPoint.AfterCommit, recordChanges);

    private void Check(CommitPoint at, int recordChanges)
    {
        if (recordChanges == 0 || at != point) return;
        if (Interlocked.Increment(ref _seen) != nth) return;
        Console.Error.WriteLine($"fault injection: killing process {Environment.ProcessId} at {point} of the commit batch #{nth} that writes trial records ({recordChanges})");
        Console.Error.Flush();
        // SIGKILL: no finally block, no flush, no shutdown hook runs.
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
