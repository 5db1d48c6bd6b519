namespace AftSweep.Infra.Database;

/// <summary>
/// Crash tests only (configuration section "FaultInjection"): where a silo kills itself in a trial's commit
/// (<see cref="KillProcessAtCommit"/>). Unset in production: no fault is installed.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = KillProcessAtCommit.Section;
    public const int DefaultAfterRecordCommits = 1;

    /// <summary>BeforeCommit or AfterCommit; null installs nothing.</summary>
    public CommitPoint? KillAtCommit { get; set; }
    /// <summary>Which commit batch that writes trial records is the fatal one (1 = the first).</summary>
    public int AfterRecordCommits { get; set; } = DefaultAfterRecordCommits;
}
