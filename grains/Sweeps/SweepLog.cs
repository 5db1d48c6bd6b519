using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using Microsoft.Extensions.Logging;

namespace AftSweep.Grains.Sweeps;

/// <summary>What a <see cref="SweepGrain"/> logs.</summary>
internal static partial class SweepLog
{
    /// <summary>What a ledger decision changed: a choice revoked, a failed stage 1, a lambda chosen.</summary>
    public static void Decided(ILogger logger, string sweepId, CellDecision decision)
    {
        if (decision.Revoked is { } revoked) ChoiceRevoked(logger, sweepId, decision.CellKey, revoked.Lambda, decision.RevokedBecause!);
        if (decision.SelectionNewlyFailed) SelectionFailed(logger, sweepId, decision.CellKey);
        if (decision.NewlyChosen) LambdaChosen(logger, sweepId, decision.CellKey, decision.Choice!.Lambda, decision.Choice.MeanHoldoutAccuracy);
    }

    public static void FeaturesFailed(ILogger logger, string sweepId, FeatureSetRequest request, FeatureSetStatus status) =>
        FeaturesFailed(logger, sweepId, request.Shards[0].Teacher.Spec, request.Shards[0].Split, string.Join("; ", status.Errors));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} ({Name}) submitted: {Trials} trials")]
    public static partial void Submitted(ILogger logger, string sweepId, string name, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId}: cell {Cell} chose lambda {Lambda} (holdout accuracy {Accuracy})")]
    public static partial void LambdaChosen(ILogger logger, string sweepId, string cell, double lambda, double accuracy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: cell {Cell} revokes its choice of lambda {Lambda}: {Reason}")]
    public static partial void ChoiceRevoked(ILogger logger, string sweepId, string cell, double lambda, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {SweepId}: cell {Cell} has no successful selection trial; stage 2 waits for a retry")]
    public static partial void SelectionFailed(ILogger logger, string sweepId, string cell);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep {SweepId}: features of teacher {Teacher} on split {Split} failed ({Errors}); its trials run and fail with their own errors")]
    public static partial void FeaturesFailed(ILogger logger, string sweepId, string teacher, string split, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} cancelled ({Trials} unfinished trials)")]
    public static partial void Cancelled(ILogger logger, string sweepId, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} resumed ({Trials} unfinished trials queued again)")]
    public static partial void Resumed(ILogger logger, string sweepId, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {SweepId} finished: {Succeeded} succeeded, {Failed} failed")]
    public static partial void Finished(ILogger logger, string sweepId, int succeeded, int failed);
}
