using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>One cell's outcome: the lambda stage 1 chose and the stage-2 test accuracy over seeds.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.CellResult.v1")]
public sealed record CellResult
{
    /// <summary>"method|combo", as <see cref="CellPlan.Key"/>.</summary>
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required MethodId Method { get; init; }
    [Id(2)] public required string Combo { get; init; }
    /// <summary>Null for methods without a lambda, or while stage 1 has no finished trial.</summary>
    [Id(3)] public LambdaChoice? Choice { get; init; }
    [Id(4)] public required SeedSummary Final { get; init; }
    [Id(5)] public IReadOnlyList<int> FinishedSeeds { get; init; } = [];
    [Id(6)] public int FailedTrials { get; init; }
}

/// <summary>
/// Rebuilds every cell's result from trial records alone (the records written to the store), so tables need
/// neither the cluster nor the plan. The lambda and the stage-2 trials that count are the <see cref="SweepLedger"/>'s
/// decision over the records. The sweep grain builds its status with the same function.
/// </summary>
public static class SweepTables
{
    /// <param name="records">Records of one sweep.</param>
    /// <param name="expectedSeeds">Final seeds each cell should have; null = the distinct final-stage seeds in the
    /// records (any status), as <see cref="SweepAggregator"/> counts them, or 3 before any final record exists.</param>
    public static IReadOnlyList<CellResult> FromRecords(IEnumerable<TrialRecord> records, int? expectedSeeds = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var all = records.ToList();
        var expected = expectedSeeds
                       ?? all.Where(r => r.Spec.Stage == TrialStage.Final).Select(r => r.Spec.Seed).Distinct().Count() switch
                       {
                           0 => SeedStatistics.MinimumSeeds,
                           var n => n,
                       };
        var ledger = SweepLedger.FromRecords(all);
        return all
            .GroupBy(r => SweepLedger.CellKey(r.Spec), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => BuildCell(g, ledger, expected))
            .ToList();
    }

    private static CellResult BuildCell(IGrouping<string, TrialRecord> cell, SweepLedger ledger, int expectedSeeds)
    {
        var decision = ledger.Decide(cell.Key);
        // Only stage-2 trials of the lambda the ledger decided count, so a stray record of another lambda never mixes in.
        var finals = ledger.CountedFinals(decision)
            .GroupBy(r => r.Spec.Seed)
            .Select(g => g.First())
            .OrderBy(r => r.Spec.Seed)
            .ToList();
        var first = cell.First().Spec;
        return new CellResult
        {
            Key = cell.Key,
            Method = first.Method,
            Combo = first.ComboKey,
            Choice = decision.Selection,
            Final = SeedStatistics.MeanAndStandardError(finals.Select(r => r.Result!.Accuracy).ToList(), expectedSeeds),
            FinishedSeeds = finals.Select(r => r.Spec.Seed).ToList(),
            FailedTrials = cell.Count(r => r.Status == TrialStatus.Failed),
        };
    }
}
