using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// What <see cref="SweepLedger.Decide"/> says about one cell: whether stage 1 is finished, the lambda the records
/// choose, the lambda stage 2 trains (or reports) with, and what the decision changed: the stage-2 trials to queue,
/// a choice revoked and the stage-2 trials set aside with it.
/// </summary>
public sealed record CellDecision
{
    /// <summary>"method|combo" (<see cref="SweepLedger.CellKey(TrialSpec)"/>).</summary>
    public required string CellKey { get; init; }

    /// <summary>Every selection trial of the cell has a finished (succeeded or failed) record; true without stage 1.</summary>
    public required bool SelectionComplete { get; init; }

    /// <summary>What LambdaSelection picks over the succeeded selection records so far (provisional while
    /// <see cref="SelectionComplete"/> is false); null when none succeeded or the method takes no lambda.</summary>
    public LambdaChoice? Selection { get; init; }

    /// <summary>The choice stage 2 trains with after this decision (a planned ledger: fixed only once stage 1 is
    /// complete; a ledger of records alone: <see cref="Selection"/>). Null for methods without a lambda.</summary>
    public LambdaChoice? Choice { get; init; }

    /// <summary>The lambda of the stage-2 trials that count for the cell: <see cref="Choice"/>'s, or for records
    /// without a successful selection record the one lambda their stage-2 records use; null for methods without one.</summary>
    public double? FinalLambda { get; init; }

    /// <summary>Records alone: every lambda the cell's stage-2 records use, in the order they were seen.</summary>
    public IReadOnlyList<double?> FinalLambdas { get; init; } = [];

    /// <summary>Records alone: stage-2 records of several lambdas and no successful selection record to say which
    /// counts (<see cref="FinalLambda"/> is null then).</summary>
    public bool FinalLambdaAmbiguous { get; init; }

    /// <summary>Stage 1 is finished and no selection trial succeeded: stage 2 waits for a retry.</summary>
    public bool SelectionFailed { get; init; }

    /// <summary><see cref="SelectionFailed"/> became true with this decision (it was not the last time it was decided).</summary>
    public bool SelectionNewlyFailed { get; init; }

    /// <summary>The choice before this decision.</summary>
    public LambdaChoice? Previous { get; init; }

    /// <summary>A choice this decision took back (the records no longer support it), and why.</summary>
    public LambdaChoice? Revoked { get; init; }

    public string? RevokedBecause { get; init; }

    /// <summary>The persisted choices changed (a choice made, revoked, or re-scored): write them before queueing.</summary>
    public bool ChoiceChanged { get; init; }

    /// <summary>A lambda was chosen that was not the cell's choice before.</summary>
    public bool NewlyChosen => Choice is not null && ChoiceChanged && (Previous is null || !Previous.Lambda.Equals(Choice.Lambda));

    /// <summary>Stage-2 trials this decision planned that have no record yet.</summary>
    public IReadOnlyList<TrialSpec> FinalsToQueue { get; init; } = [];

    /// <summary>Stage-2 trial ids of a revoked choice: no longer planned; their records are kept aside in case the
    /// cell comes back to that lambda.</summary>
    public IReadOnlyList<string> FinalsSetAside { get; init; } = [];
}
