using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Protocol;

/// <summary>
/// The sweep ledger driven through record sequences without a cluster: a fresh sweep, a resume with persisted
/// choices, selection records lost and re-run, retried failures, ties, several selection seeds, methods without a
/// lambda, a ledger of records alone, and that any order of the same records leaves the same decisions.
/// </summary>
public sealed class SweepLedgerTests
{
    private static readonly TestCell Kd = new(MethodId.Kd, [0.1, 1], [0], [0, 1, 2], Combo: "minilm");

    [Fact]
    public void FreshSweep_ChoosesOnceStageOneIsComplete_AndQueuesTheFinalsOfThatLambda()
    {
        var plan = TestPlans.Build("fresh", Kd);
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        Assert.Equal([cell.Key], ledger.CellKeys);
        Assert.Equal(2, ledger.Trials.Count);

        Assert.Equal(cell.Key, ledger.Accept(Rec(plan, Selection(cell, 0.1), 0.59)));
        Assert.Equal([cell.Key], ledger.Undecided); // kept until decided, so a batch that failed half-way loses no cell
        var waiting = ledger.Decide(cell.Key);
        Assert.Empty(ledger.Undecided);
        Assert.False(waiting.SelectionComplete);
        Assert.Equal(0.1, waiting.Selection!.Lambda); // provisional: what the records so far pick
        Assert.Null(waiting.Choice);
        Assert.Empty(waiting.FinalsToQueue);
        Assert.False(waiting.ChoiceChanged);
        Assert.False(ledger.IsFinished);

        ledger.Accept(Rec(plan, Selection(cell, 1), 0.60));
        var decided = ledger.Decide(cell.Key);
        Assert.True(decided.SelectionComplete);
        Assert.Equal(1, decided.Choice!.Lambda);
        Assert.Equal(0.60, decided.Choice.MeanHoldoutAccuracy);
        Assert.True(decided.NewlyChosen);
        Assert.True(decided.ChoiceChanged);
        Assert.Equal(1, decided.FinalLambda);
        Assert.Equal([0, 1, 2], decided.FinalsToQueue.Select(s => s.Seed));
        Assert.All(decided.FinalsToQueue, s => Assert.Equal((TrialStage.Final, (double?)1), (s.Stage, s.Lambda)));
        Assert.Equal(decided.FinalsToQueue.Select(s => s.Id), cell.FinalSeeds.Select(seed => SweepLedger.FinalTrial(cell, 1, seed).Id));
        Assert.Equal(1, ledger.Choices[cell.Key].Lambda);

        // Deciding again with nothing new changes nothing and queues nothing twice.
        var again = ledger.Decide(cell.Key);
        Assert.False(again.ChoiceChanged);
        Assert.False(again.NewlyChosen);
        Assert.Empty(again.FinalsToQueue);
        Assert.Equal(1, again.Choice!.Lambda);

        foreach (var spec in decided.FinalsToQueue) ledger.Accept(Rec(plan, spec, 0.7 + spec.Seed / 100.0));
        Assert.True(ledger.IsFinished);
        var counted = ledger.CountedFinals(ledger.Decide(cell.Key));
        Assert.Equal([0, 1, 2], counted.Select(r => r.Spec.Seed));
    }

    [Fact]
    public void SeveralSelectionSeeds_TheMeanOverSeedsDecides_NotTheBestSeed()
    {
        var plan = TestPlans.Build("seeds", new TestCell(MethodId.Aft, [0.1, 1], [0, 1], [0]));
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        // lambda 0.1: 0.9 and 0.3 (mean 0.6, best single seed); lambda 1: 0.65 twice (mean 0.65).
        ledger.Accept(Rec(plan, Selection(cell, 0.1, seed: 1), 0.3));
        ledger.Accept(Rec(plan, Selection(cell, 1, seed: 0), 0.65));
        ledger.Accept(Rec(plan, Selection(cell, 0.1, seed: 0), 0.9));
        Assert.False(ledger.Decide(cell.Key).SelectionComplete);
        ledger.Accept(Rec(plan, Selection(cell, 1, seed: 1), 0.65));

        var decision = ledger.Decide(cell.Key);
        Assert.Equal(1, decision.Choice!.Lambda);
        Assert.Equal(0.65, decision.Choice.MeanHoldoutAccuracy, 12);
        // Each lambda's accuracies in seed order, whatever order the records came in.
        Assert.Equal([0.9, 0.3], decision.Choice.Scores.Single(s => s.Lambda == 0.1).HoldoutAccuracies);
    }

    [Fact]
    public void Ties_GoToTheSmallerLambda_AlsoWithinRoundingOfTheMean()
    {
        var plan = TestPlans.Build("ties", new TestCell(MethodId.Aft, [10, 1, 0.1], [0, 1, 2], [0]));
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        // The same three accuracies in another seed order: their float sums may differ in the last bit.
        double[][] accuracies = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.2, 0.3, 0.1]];
        double[] lambdas = [10, 1, 0.1];
        for (var l = 0; l < lambdas.Length; l++)
        {
            for (var seed = 0; seed < 3; seed++) ledger.Accept(Rec(plan, Selection(cell, lambdas[l], seed), accuracies[l][seed]));
        }

        var decision = ledger.Decide(cell.Key);
        Assert.Equal(0.1, decision.Choice!.Lambda);
        Assert.Equal([0.1, 1, 10], decision.Choice.Scores.Select(s => s.Lambda));
    }

    [Fact]
    public void Resume_PersistedChoiceTheRecordsStillSupport_KeepsItsFinalsAndQueuesNothingNew()
    {
        var plan = TestPlans.Build("resume", Kd);
        var cell = plan.Cells.Single();
        var first = new SweepLedger(plan);
        first.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        first.Accept(Rec(plan, Selection(cell, 1), 0.60));
        var finals = first.Decide(cell.Key).FinalsToQueue;
        var finalRecord = Rec(plan, finals[0], 0.71);

        // A new activation: the persisted choice and the records read back.
        var resumed = new SweepLedger(plan, first.Choices);
        Assert.Equal(5, resumed.Trials.Count);
        foreach (var record in new[] { Rec(plan, Selection(cell, 0.1), 0.59), Rec(plan, Selection(cell, 1), 0.60), finalRecord }) resumed.Accept(record);

        var decision = resumed.Decide(cell.Key);
        Assert.False(decision.ChoiceChanged);
        Assert.Null(decision.Revoked);
        Assert.Empty(decision.FinalsToQueue);
        Assert.Equal(1, decision.Choice!.Lambda);
        Assert.Equal(finals.Select(s => s.Id), resumed.FinalIds(cell.Key));
        Assert.True(resumed.Records.ContainsKey(finalRecord.Spec.Id));
        Assert.Equal(2, resumed.Trials.Count - resumed.Records.Count);
    }

    [Fact]
    public void Resume_SelectionRecordLost_RevokesTheChoice_ThenTheRerunDecides_AndSetAsideFinalsComeBack()
    {
        var plan = TestPlans.Build("lost", Kd);
        var cell = plan.Cells.Single();
        var first = new SweepLedger(plan);
        first.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        first.Accept(Rec(plan, Selection(cell, 1), 0.55));
        var oldFinals = first.Decide(cell.Key).FinalsToQueue;
        Assert.All(oldFinals, s => Assert.Equal(0.1, s.Lambda));

        // Restart: lambda 1's selection record is lost (state still holds the choice of 0.1, its finals have finished).
        var ledger = new SweepLedger(plan, first.Choices);
        ledger.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        foreach (var spec in oldFinals) ledger.Accept(Rec(plan, spec, 0.7));
        var revoked = ledger.Decide(cell.Key);
        Assert.Equal(0.1, revoked.Revoked!.Lambda);
        Assert.Equal("a selection trial has no finished record any more", revoked.RevokedBecause);
        Assert.True(revoked.ChoiceChanged);
        Assert.Null(revoked.Choice);
        Assert.Equal(oldFinals.Select(s => s.Id), revoked.FinalsSetAside);
        Assert.Empty(ledger.Choices);
        Assert.Empty(ledger.FinalIds(cell.Key));
        Assert.DoesNotContain(oldFinals[0].Id, ledger.Trials.Keys);
        Assert.False(ledger.IsFinished);

        // The lost trial re-runs with another result: lambda 1 wins now, its finals are queued.
        ledger.Accept(Rec(plan, Selection(cell, 1), 0.60));
        var switched = ledger.Decide(cell.Key);
        Assert.True(switched.NewlyChosen);
        Assert.Null(switched.Revoked);
        Assert.Equal(1, switched.Choice!.Lambda);
        Assert.Equal(3, switched.FinalsToQueue.Count);
        Assert.All(switched.FinalsToQueue, s => Assert.Equal(1, s.Lambda));
        // A stray record of the old lambda arriving late is kept aside, not counted.
        Assert.Null(ledger.Accept(Rec(plan, oldFinals[0], 0.7)));
        Assert.Empty(ledger.CountedFinals(ledger.Decide(cell.Key)));

        // Re-run again, back to 0.1: the set-aside finals count again and nothing is queued twice.
        ledger.Forget(Selection(cell, 1).Id);
        Assert.NotNull(ledger.Decide(cell.Key).Revoked);
        ledger.Accept(Rec(plan, Selection(cell, 1), 0.50));
        var back = ledger.Decide(cell.Key);
        Assert.Equal(0.1, back.Choice!.Lambda);
        Assert.Empty(back.FinalsToQueue);
        Assert.Equal(3, ledger.CountedFinals(back).Count);
        Assert.True(ledger.IsFinished);
    }

    [Fact]
    public void Rerun_SameLambdaWins_WithOtherScores_RecordsTheNewScoresAndKeepsTheFinals()
    {
        var plan = TestPlans.Build("rescored", Kd);
        var cell = plan.Cells.Single();
        var first = new SweepLedger(plan);
        first.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        first.Accept(Rec(plan, Selection(cell, 1), 0.60));
        first.Decide(cell.Key);

        var ledger = new SweepLedger(plan, first.Choices);
        ledger.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        ledger.Accept(Rec(plan, Selection(cell, 1), 0.61));
        var decision = ledger.Decide(cell.Key);
        Assert.True(decision.ChoiceChanged);
        Assert.False(decision.NewlyChosen);
        Assert.Null(decision.Revoked);
        Assert.Empty(decision.FinalsToQueue);
        Assert.Empty(decision.FinalsSetAside);
        Assert.Equal(0.61, ledger.Choices[cell.Key].MeanHoldoutAccuracy);
        Assert.Equal(3, ledger.FinalIds(cell.Key).Count);
    }

    [Fact]
    public void RetriedFailure_ReopensStageOne_AndTheCellSwitchesToWhatTheRecordsChoose()
    {
        var plan = TestPlans.Build("retry", Kd);
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        var lambdaOne = Selection(cell, 1);
        ledger.Accept(Rec(plan, Selection(cell, 0.1), 0.59));
        ledger.Accept(Failed(plan, lambdaOne));
        // A failed selection trial is finished and not a candidate.
        var first = ledger.Decide(cell.Key);
        Assert.Equal(0.1, first.Choice!.Lambda);
        Assert.Equal(3, first.FinalsToQueue.Count);

        Assert.Equal(cell.Key, ledger.Forget(lambdaOne.Id));
        Assert.Equal([cell.Key], ledger.Undecided);
        Assert.Null(ledger.Forget(lambdaOne.Id));
        var reopened = ledger.Decide(cell.Key);
        Assert.Equal(0.1, reopened.Revoked!.Lambda);
        Assert.Equal(first.FinalsToQueue.Select(s => s.Id), reopened.FinalsSetAside);
        Assert.False(ledger.IsFinished);

        ledger.Accept(Rec(plan, lambdaOne, 0.60, attempts: 2));
        // A late notice of the earlier failure never replaces the success.
        Assert.Null(ledger.Accept(Failed(plan, lambdaOne)));
        var decision = ledger.Decide(cell.Key);
        Assert.Equal(1, decision.Choice!.Lambda);
        Assert.All(decision.FinalsToQueue, s => Assert.Equal(1, s.Lambda));
        Assert.Equal(TrialStatus.Succeeded, ledger.Records[lambdaOne.Id].Status);
    }

    [Fact]
    public void EverySelectionTrialFailed_TheCellFailsUntilARetrySucceeds()
    {
        var plan = TestPlans.Build("failed", Kd);
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        foreach (var spec in cell.SelectionTrials) ledger.Accept(Failed(plan, spec));

        var failed = ledger.Decide(cell.Key);
        Assert.True(failed.SelectionComplete);
        Assert.True(failed.SelectionFailed);
        Assert.True(failed.SelectionNewlyFailed);
        Assert.Null(failed.Choice);
        Assert.Empty(failed.FinalsToQueue);
        Assert.True(ledger.IsSelectionFailed(cell.Key));
        // Nothing can run until a retry: the sweep is finished (with a failed cell).
        Assert.True(ledger.IsFinished);
        Assert.False(ledger.Decide(cell.Key).SelectionNewlyFailed); // reported once

        ledger.Forget(cell.SelectionTrials[1].Id);
        Assert.False(ledger.IsSelectionFailed(cell.Key));
        Assert.False(ledger.Decide(cell.Key).SelectionFailed);
        ledger.Accept(Rec(plan, cell.SelectionTrials[1], 0.6, attempts: 2));
        var decision = ledger.Decide(cell.Key);
        Assert.Equal(cell.SelectionTrials[1].Lambda, decision.Choice!.Lambda);
        Assert.Equal(3, decision.FinalsToQueue.Count);
    }

    [Fact]
    public void PersistedChoice_WhoseSelectionNowAllFailed_IsRevokedAndTheCellFails()
    {
        var plan = TestPlans.Build("revoked-failed", Kd);
        var cell = plan.Cells.Single();
        var choice = LambdaSelection.Choose([new LambdaScore(1, [0.6])]);
        var ledger = new SweepLedger(plan, new Dictionary<string, LambdaChoice> { [cell.Key] = choice });
        foreach (var spec in cell.SelectionTrials) ledger.Accept(Failed(plan, spec));

        var decision = ledger.Decide(cell.Key);
        Assert.Equal(1, decision.Revoked!.Lambda);
        Assert.Equal("no selection trial succeeded", decision.RevokedBecause);
        Assert.True(decision.SelectionFailed);
        Assert.Equal(3, decision.FinalsSetAside.Count);
        Assert.True(ledger.IsSelectionFailed(cell.Key));
    }

    [Fact]
    public void MethodsWithoutLambda_PlanTheirFinalsAtOnce_AndNeverChoose()
    {
        var plan = TestPlans.Build("plain", new TestCell(MethodId.Stl, [], [], [0, 1], Combo: ""), new TestCell(MethodId.LinearProbe, [], [], [0, 1], Combo: "t1"));
        var ledger = new SweepLedger(plan);
        Assert.Equal(4, ledger.Trials.Count);
        Assert.All(ledger.Trials.Values, s => Assert.Equal((TrialStage.Final, (double?)null), (s.Stage, s.Lambda)));
        foreach (var key in ledger.CellKeys)
        {
            var decision = ledger.Decide(key);
            Assert.True(decision.SelectionComplete);
            Assert.Null(decision.Choice);
            Assert.Null(decision.FinalLambda);
            Assert.False(decision.ChoiceChanged);
            Assert.Empty(decision.FinalsToQueue);
            Assert.False(ledger.IsSelectionFailed(key));
        }
        Assert.Equal(["stl|", "linear-probe|t1"], ledger.CellKeys);

        foreach (var spec in ledger.Trials.Values.ToList()) ledger.Accept(Rec(plan, spec, 0.5 + spec.Seed / 10.0));
        Assert.True(ledger.IsFinished);
        Assert.Equal(2, ledger.CountedFinals(ledger.Decide("linear-probe|t1")).Count);
        Assert.Throws<ArgumentException>(() => SweepLedger.FinalTrial(plan.Cells[0], 1, 0));
    }

    [Fact]
    public void Accept_IgnoresOtherSweepsUnfinishedRecordsAndRepeats()
    {
        var plan = TestPlans.Build("ignored", Kd);
        var cell = plan.Cells.Single();
        var ledger = new SweepLedger(plan);
        var record = Rec(plan, Selection(cell, 0.1), 0.59);
        Assert.Null(ledger.Accept(record with { SweepId = "other" }));
        Assert.Null(ledger.Accept(record with { Status = TrialStatus.Running, Result = null }));
        Assert.Equal(cell.Key, ledger.Accept(record));
        Assert.Null(ledger.Accept(record));
        Assert.Single(ledger.Records);
    }

    [Fact]
    public void CellKey_IsTheOneThePlannerGivesItsCells()
    {
        var plan = TestPlans.Build("keys", Kd, new TestCell(MethodId.Aft, [1], [0], [0], Combo: "a+b"), new TestCell(MethodId.Scratch, [], [], [0], Combo: ""));
        Assert.All(plan.Cells, c => Assert.Equal(c.Key, SweepLedger.CellKey(c.FinalTemplate)));
        Assert.Equal(["kd|minilm", "aft|a+b", "scratch|"], plan.Cells.Select(c => c.Key));
    }

    [Fact]
    public void RecordsAlone_ReportWhatTheRecordsChoose()
    {
        var plan = TestPlans.Build("alone", Kd);
        var cell = plan.Cells.Single();
        // Stage 1 partly finished: the records' pick so far; finals of another lambda do not count.
        var partial = SweepLedger.FromRecords([Rec(plan, Selection(cell, 1), 0.6), Rec(plan, TestFinalTrials.Create(cell, 0.1, 0), 0.8)]);
        var decision = partial.Decide(cell.Key);
        Assert.Equal(1, decision.Choice!.Lambda);
        Assert.Equal(1, decision.FinalLambda);
        Assert.Equal([(double?)0.1], decision.FinalLambdas);
        Assert.Empty(partial.CountedFinals(decision));

        // No selection record: the finals' own lambda when they agree on one, ambiguous when they do not.
        var finalsOnly = SweepLedger.FromRecords([Rec(plan, TestFinalTrials.Create(cell, 0.1, 0), 0.8), Rec(plan, TestFinalTrials.Create(cell, 0.1, 1), 0.7)]);
        var single = finalsOnly.Decide(cell.Key);
        Assert.Null(single.Selection);
        Assert.Equal(0.1, single.FinalLambda);
        Assert.Equal(2, finalsOnly.CountedFinals(single).Count);
        var mixed = SweepLedger.FromRecords([Rec(plan, TestFinalTrials.Create(cell, 0.1, 0), 0.8), Rec(plan, TestFinalTrials.Create(cell, 1, 1), 0.7)]).Decide(cell.Key);
        Assert.True(mixed.FinalLambdaAmbiguous);
        Assert.Null(mixed.FinalLambda);

        // An unfinished record is a trial still to run: stage 1 is not complete.
        var running = SweepLedger.FromRecords([Rec(plan, Selection(cell, 1), 0.6), Rec(plan, Selection(cell, 0.1), 0) with { Status = TrialStatus.Running, Result = null }]);
        Assert.False(running.Decide(cell.Key).SelectionComplete);
    }

    /// <summary>
    /// The same records (selection records with a failure later retried, stray stage-2 records of a lambda that loses,
    /// stage-2 records of the winner, methods without lambda, a tie) in 200 random orders, with decisions taken at
    /// random points in between, and a persisted choice the records do not support: every order ends in the same
    /// decisions, choices, planned trials and counted records; the tables rebuilt from the records agree exactly.
    /// </summary>
    [Fact]
    public void AnyOrderOfTheSameRecords_GivesTheSameDecisions()
    {
        var plan = TestPlans.Build("orders",
            new TestCell(MethodId.Kd, [0.1, 1, 10], [0, 1], [0, 1, 2], Combo: "minilm"),
            new TestCell(MethodId.Aft, [0.1, 1], [0, 1], [0, 1, 2], Combo: "a+b"),
            new TestCell(MethodId.Stl, [], [], [0, 1, 2], Combo: ""),
            new TestCell(MethodId.LinearProbe, [], [], [0, 1, 2], Combo: "minilm"));
        var kd = plan.Cells[0];
        var aft = plan.Cells[1];
        var records = new List<TrialRecord>();
        // kd: lambda 1 wins on the mean (0.7, 0.6) over 0.1 (0.8, 0.45) and 10 (0.5, 0.5); lambda 10 seed 1 failed once first.
        records.AddRange([
            Rec(plan, Selection(kd, 0.1, 0), 0.8), Rec(plan, Selection(kd, 0.1, 1), 0.45),
            Rec(plan, Selection(kd, 1, 0), 0.7), Rec(plan, Selection(kd, 1, 1), 0.6),
            Rec(plan, Selection(kd, 10, 0), 0.5), Failed(plan, Selection(kd, 10, 1)), Rec(plan, Selection(kd, 10, 1), 0.5, attempts: 2),
        ]);
        records.AddRange(kd.FinalSeeds.Select(seed => Rec(plan, SweepLedger.FinalTrial(kd, 1, seed), 0.7 + seed / 100.0)));
        records.AddRange(kd.FinalSeeds.Take(2).Select(seed => Rec(plan, SweepLedger.FinalTrial(kd, 0.1, seed), 0.9))); // a lambda the records reject
        // aft: a tie (the same accuracies in another seed order): 0.1 wins; one of its finals failed.
        records.AddRange([Rec(plan, Selection(aft, 0.1, 0), 0.1), Rec(plan, Selection(aft, 0.1, 1), 0.7), Rec(plan, Selection(aft, 1, 0), 0.7), Rec(plan, Selection(aft, 1, 1), 0.1)]);
        records.AddRange([Rec(plan, SweepLedger.FinalTrial(aft, 0.1, 0), 0.66), Failed(plan, SweepLedger.FinalTrial(aft, 0.1, 1))]);
        foreach (var plain in plan.Cells.Skip(2)) records.AddRange(plain.FinalSeeds.Select(seed => Rec(plan, SweepLedger.FinalTrial(plain, null, seed), 0.5 + seed / 10.0)));
        // A choice persisted before the records changed (kd chose 0.1): resuming must revoke it.
        var persisted = new Dictionary<string, LambdaChoice> { [kd.Key] = LambdaSelection.Choose([new LambdaScore(0.1, [0.8, 0.45])]) };

        var expected = Snapshot(Replay(plan, persisted, records, random: null));
        var expectedTables = Tables(records);
        Assert.Contains("kd|minilm: complete choice=1 scores=0.1:0.8,0.45;1:0.7,0.6;10:0.5,0.5", expected);
        Assert.Contains("aft|a+b: complete choice=0.1", expected);

        var random = new Random(20260);
        for (var order = 0; order < 200; order++)
        {
            var shuffled = records.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Snapshot(Replay(plan, persisted, shuffled, random)));
            Assert.Equal(expectedTables, Tables(shuffled));
        }
    }

    /// <summary>Accepts the records in order, deciding the record's cell (or every cell) at random points, then every cell.</summary>
    private static SweepLedger Replay(SweepPlan plan, IReadOnlyDictionary<string, LambdaChoice> persisted, IEnumerable<TrialRecord> records, Random? random)
    {
        var ledger = new SweepLedger(plan, persisted);
        foreach (var record in records)
        {
            var cell = ledger.Accept(record);
            if (random is null) continue;
            switch (random.Next(3))
            {
                case 0 when cell is not null: ledger.Decide(cell); break;
                case 1: foreach (var key in ledger.CellKeys) ledger.Decide(key); break;
            }
        }
        foreach (var key in ledger.CellKeys) ledger.Decide(key);
        return ledger;
    }

    private static string Snapshot(SweepLedger ledger)
    {
        var lines = ledger.CellKeys.Select(key =>
        {
            var d = ledger.Decide(key);
            Assert.False(d.ChoiceChanged); // every cell was decided already
            return $"{key}: {(d.SelectionComplete ? "complete" : "open")} choice={d.Choice?.Lambda} scores={Scores(d.Choice)} final={d.FinalLambda} failed={d.SelectionFailed} " +
                   $"finals=[{string.Join(",", ledger.FinalIds(key))}] counted=[{string.Join(",", ledger.CountedFinals(d).Select(r => $"{r.Spec.Seed}:{r.Result!.Accuracy}"))}]";
        }).ToList();
        lines.Add($"choices={string.Join(";", ledger.Choices.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value.Lambda}:{Scores(c.Value)}"))}");
        lines.Add($"trials={string.Join(",", ledger.Trials.Keys.Order(StringComparer.Ordinal))}");
        lines.Add($"records={string.Join(",", ledger.Records.Values.OrderBy(r => r.Spec.Id, StringComparer.Ordinal).Select(r => $"{r.Spec.Id}:{r.Status}:{r.Result?.Accuracy}"))}");
        lines.Add($"finished={ledger.IsFinished}");
        return string.Join("\n", lines);
    }

    private static string Scores(LambdaChoice? choice) =>
        choice is null ? "-" : string.Join(";", choice.Scores.Select(s => $"{s.Lambda}:{string.Join(",", s.HoldoutAccuracies)}"));

    private static string Tables(IEnumerable<TrialRecord> records) => string.Join("\n", SweepTables.FromRecords(records).Select(c =>
        $"{c.Key}: choice={c.Choice?.Lambda} mean={c.Choice?.MeanHoldoutAccuracy:R} scores={Scores(c.Choice)} final={c.Final.Count}/{c.Final.Mean:R}/{c.Final.StandardError:R} seeds={string.Join(",", c.FinishedSeeds)} failed={c.FailedTrials}"));

    private static TrialSpec Selection(CellPlan cell, double lambda, int seed = 0) =>
        cell.SelectionTrials.Single(t => t.Lambda == lambda && t.Seed == seed);

    private static TrialRecord Rec(SweepPlan plan, TrialSpec spec, double accuracy, int attempts = 1) => new()
    {
        SweepId = plan.SweepId,
        Spec = spec,
        Status = TrialStatus.Succeeded,
        Attempts = attempts,
        Result = new TrialResult
        {
            Accuracy = accuracy,
            EvaluatedOn = spec.Stage == TrialStage.Selection ? SweepAggregator.HoldoutSplit : SweepAggregator.TestSplit,
            FinalCrossEntropy = 0, FinalRegulariser = 0, WallSeconds = 0, StepsPerSecond = 0, Steps = 0, Epochs = 0, Device = "cpu",
        },
    };

    private static TrialRecord Failed(SweepPlan plan, TrialSpec spec) => new()
    {
        SweepId = plan.SweepId,
        Spec = spec,
        Status = TrialStatus.Failed,
        Attempts = 1,
        Errors = ["disk full"],
    };
}
