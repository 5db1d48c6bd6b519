using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Training;

namespace AftSweep.Tests.Cluster;

/// <summary>
/// The lambda a cell's stage 2 trains with is always what LambdaSelection picks over the committed selection records,
/// whatever happened to those records after the choice was first made (issue 5: kd|minilm's finals ran with 0.1 while
/// its selection records, re-run after a restart, chose 1).
/// </summary>
public sealed class LambdaChoiceConsistencyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static CancellationToken Timeout() => new CancellationTokenSource(Limit).Token;

    /// <summary>Final accuracy encodes the lambda it trained with, so a test can tell which lambda stage 2 used.</summary>
    private static double FinalAccuracy(TrialSpec s) => 0.7 + (s.Lambda ?? 0) / 100 + s.Seed / 1000.0;

    [Fact]
    public async Task Restart_SelectionRecordsLostAndRerunWithOtherResult_FinalStageFollowsTheRecords()
    {
        using var temp = new TempFolder();
        // First run: lambda 0.1 wins the holdout. After the restart the re-run selection trials make lambda 1 win.
        var rerun = false;
        var executor = new ScriptedExecutor
        {
            Accuracy = s => s.Stage == TrialStage.Selection
                ? (s.Lambda == 1 ? (Volatile.Read(ref rerun) ? 0.60 : 0.55) : 0.59)
                : FinalAccuracy(s),
        };
        var plan = TestPlans.Build("lost-selection", new TestCell(MethodId.Kd, [0.1, 1], [0], [0, 1, 2], Combo: "minilm"));
        var cell = plan.Cells.Single();
        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            await cluster.Sweeps.SubmitAsync(plan);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
            Assert.Equal(0.1, status.Cells.Single().Choice!.Lambda);
        }

        // The selection trials are gone (their records and trial states lost together, as they are committed together),
        // while the sweep's state still holds its choice: they run again, with other results.
        foreach (var trial in cell.SelectionTrials) Assert.True(await StateFolderRecords.ForgetTrialAsync(temp.Path, plan.SweepId, trial.Id));
        Volatile.Write(ref rerun, true);

        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            Assert.False((await cluster.Sweeps.SubmitAsync(plan)).Created);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());

            Assert.Equal(SweepPhase.Completed, status.Phase);
            var result = status.Cells.Single();
            Assert.Equal(1, result.Choice!.Lambda);
            Assert.Equal(3, result.Result.Final.Count);
            Assert.Equal(Enumerable.Range(0, 3).Select(seed => 0.71 + seed / 1000.0).Average(), result.Result.Final.Mean, 12);
        }

        var records = await RecordsAsync(temp.Path, plan.SweepId);
        // The selection trials were re-run: their records hold the second run's holdout accuracies.
        Assert.All(records.Where(r => r.Spec.Stage == TrialStage.Selection), r =>
        {
            Assert.Equal(TrialStatus.Succeeded, r.Status);
            Assert.Equal(r.Spec.Lambda == 1 ? 0.60 : 0.59, r.Result!.Accuracy);
        });
        AssertFinalsFollowRecords(records, cell.Key, expectedLambda: 1);
    }

    [Fact]
    public async Task Retry_FailedSelectionTrialSucceedsAfterStageTwoRan_CellSwitchesToTheLambdaTheRecordsChoose()
    {
        using var temp = new TempFolder();
        var broken = true;
        var plan = TestPlans.Build("retried-selection", new TestCell(MethodId.Kd, [0.1, 1], [0], [0, 1, 2], Combo: "minilm"));
        var cell = plan.Cells.Single();
        var lambdaOne = cell.SelectionTrials.Single(t => t.Lambda == 1).Id;
        var executor = new ScriptedExecutor
        {
            Accuracy = s => s.Stage == TrialStage.Selection ? (s.Lambda == 1 ? 0.60 : 0.59) : FinalAccuracy(s),
            Failure = s => s.Id == lambdaOne && Volatile.Read(ref broken) ? new TrialFailedException("disk full", retryable: false) : null,
        };
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor);

        await cluster.Sweeps.SubmitAsync(plan);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
        // A failed selection trial is terminal and not a candidate: stage 2 ran with the only lambda that succeeded.
        Assert.Equal(0.1, status.Cells.Single().Choice!.Lambda);
        Assert.Equal(3, status.Cells.Single().Result.Final.Count);

        Volatile.Write(ref broken, false);
        Assert.Equal(1, await cluster.Sweeps.RetryAsync(plan.SweepId));
        // Retrying reopens stage 1: until the retried trial finishes, the cell has no choice.
        var reopened = await cluster.Sweeps.GetStatusAsync(plan.SweepId);
        Assert.NotEqual(SweepPhase.Completed, reopened.Phase);
        status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());

        var result = status.Cells.Single();
        Assert.Equal(1, result.Choice!.Lambda);
        Assert.Equal(3, result.Result.Final.Count);
        Assert.Equal(0, status.Trials.Failed);
        AssertFinalsFollowRecords(await RecordsAsync(temp.Path, plan.SweepId), cell.Key, expectedLambda: 1);
    }

    [Fact]
    public async Task Restart_RecordsChooseTheSameLambda_FinishedStageTwoIsNotRerun()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor { Accuracy = s => s.Stage == TrialStage.Selection ? (s.Lambda == 1 ? 0.60 : 0.59) : FinalAccuracy(s) };
        var plan = TestPlans.Build("stable-choice", new TestCell(MethodId.Kd, [0.1, 1], [0], [0, 1, 2], Combo: "minilm"));
        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            await cluster.Sweeps.SubmitAsync(plan);
            await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
        }
        var before = executor.TotalExecutions;

        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            await cluster.Sweeps.SubmitAsync(plan);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
            Assert.Equal(1, status.Cells.Single().Choice!.Lambda);
            Assert.Equal(5, status.Trials.Succeeded);
        }
        Assert.Equal(5, before);
        Assert.Equal(before, executor.TotalExecutions);
    }

    /// <summary>The records alone choose <paramref name="expectedLambda"/>, and every seed has a succeeded stage-2 record with it.</summary>
    private static void AssertFinalsFollowRecords(IReadOnlyList<TrialRecord> records, string cellKey, double expectedLambda)
    {
        var rebuilt = SweepTables.FromRecords(records).Single(c => c.Key == cellKey);
        Assert.Equal(expectedLambda, rebuilt.Choice!.Lambda);
        Assert.Equal(new[] { 0, 1, 2 }, rebuilt.FinishedSeeds);
        var finals = records.Where(r => r.Spec.Stage == TrialStage.Final && r.Spec.Lambda == expectedLambda && r.Status == TrialStatus.Succeeded);
        Assert.Equal(new[] { 0, 1, 2 }, finals.Select(r => r.Spec.Seed).Order());
    }

    private static async Task<IReadOnlyList<TrialRecord>> RecordsAsync(string root, string sweepId)
    {
        var list = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(root, sweepId)) list.Add(r);
        return list;
    }
}
