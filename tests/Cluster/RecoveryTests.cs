using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Training;

namespace AftSweep.Tests.Cluster;

public sealed class RecoveryTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static CancellationToken Timeout() => new CancellationTokenSource(Limit).Token;

    private static async Task<List<TrialRecord>> RecordsAsync(string folder, string sweepId)
    {
        var list = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(folder, sweepId)) list.Add(r);
        return list;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task KillSilo_WhileRunningTrials_EveryTrialCommittedExactlyOnce()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor { Duration = TimeSpan.FromMilliseconds(300) };
        var log = new CommitLog();
        var plan = TestPlans.Build("kill", new TestCell(MethodId.Stl, [], [], Enumerable.Range(0, 16).ToArray(), Combo: ""));
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor, log);

        await cluster.Sweeps.SubmitAsync(plan);
        await WaitUntilAsync(() => executor.InFlight(1) >= 1 && log.Commits.Count >= 2, "silo 1 to be running trials");
        await cluster.KillSiloAsync(1);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());

        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(16, status.Trials.Succeeded);
        var records = await RecordsAsync(temp.Path, plan.SweepId);
        Assert.Equal(16, records.Count);
        Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
        var ids = plan.Cells[0].FinalSeeds.Select(s => TestFinalTrials.Create(plan.Cells[0], null, s).Id).ToList();
        Assert.Equal(ids.Order(), records.Select(r => r.Spec.Id).Order());
        // Exactly once: one accepted commit per trial, even though the killed silo's trials ran again elsewhere.
        Assert.All(ids, id => Assert.Equal(1, log.Accepted(id)));
        Assert.True(executor.TotalExecutions > 16, "the kill should have interrupted at least one running trial");
    }

    [Fact]
    public async Task StopAllSilos_MidSweep_RestartResumesWithoutRerunningSucceeded()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor { Duration = TimeSpan.FromMilliseconds(150) };
        var plan = TestPlans.Build("restart", new TestCell(MethodId.Stl, [], [], Enumerable.Range(0, 20).ToArray(), Combo: ""));
        HashSet<string> doneBefore;
        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            await cluster.Sweeps.SubmitAsync(plan);
            await WaitUntilAsync(() => StateFolderRecords.Count(temp.Path, plan.SweepId) >= 5, "a few trials to finish");
            await cluster.KillSiloAsync(1);
            await cluster.KillSiloAsync(0);
        }
        doneBefore = (await RecordsAsync(temp.Path, plan.SweepId)).Select(r => r.Spec.Id).ToHashSet();
        Assert.InRange(doneBefore.Count, 5, 19);
        var executionsBefore = executor.AllExecutions.ToDictionary(kv => kv.Key, kv => kv.Value);

        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            var resubmitted = await cluster.Sweeps.SubmitAsync(plan);
            Assert.False(resubmitted.Created);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
            Assert.Equal(SweepPhase.Completed, status.Phase);
            Assert.Equal(20, status.Trials.Succeeded);
        }
        Assert.Equal(20, (await RecordsAsync(temp.Path, plan.SweepId)).Count);
        Assert.All(doneBefore, id => Assert.Equal(executionsBefore[id], executor.Executions(id)));
    }

    [Fact]
    public async Task ThrowingTrial_FailsAfterAttemptLimit_RetrySucceedsOnceFixed()
    {
        using var temp = new TempFolder();
        var broken = true;
        var plan = TestPlans.Build("retry", new TestCell(MethodId.Stl, [], [], [0, 1, 2], Combo: ""));
        var bad = TestFinalTrials.Create(plan.Cells[0], null, 1).Id;
        var executor = new ScriptedExecutor { Failure = s => s.Id == bad && Volatile.Read(ref broken) ? new IOException("disk on fire") : null };
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor);

        await cluster.Sweeps.SubmitAsync(plan);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());

        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(2, status.Trials.Succeeded);
        Assert.Equal(1, status.Trials.Failed);
        Assert.Equal(3, executor.Executions(bad));
        var failed = (await cluster.Sweeps.GetTrialsAsync(plan.SweepId, new TrialFilter { Status = TrialStatus.Failed })).Single();
        Assert.Equal(bad, failed.Spec.Id);
        Assert.Equal(3, failed.Errors.Count);
        Assert.All(failed.Errors, e => Assert.Contains("IOException: disk on fire", e));
        var record = (await RecordsAsync(temp.Path, plan.SweepId)).Single(r => r.Spec.Id == bad);
        Assert.Equal(TrialStatus.Failed, record.Status);
        Assert.Equal(3, record.Errors.Count);

        Volatile.Write(ref broken, false);
        Assert.Equal(1, await cluster.Sweeps.RetryAsync(plan.SweepId));
        status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());

        Assert.Equal(3, status.Trials.Succeeded);
        Assert.Equal(0, status.Trials.Failed);
        Assert.Equal(4, executor.Executions(bad));
        record = (await RecordsAsync(temp.Path, plan.SweepId)).Single(r => r.Spec.Id == bad);
        Assert.Equal(TrialStatus.Succeeded, record.Status);
        Assert.Equal(3, record.Errors.Count);
    }

    [Fact]
    public async Task NonRetryableFailure_FailsWithoutFurtherAttempts_RetryOfOneTrialById()
    {
        using var temp = new TempFolder();
        var broken = true;
        var plan = TestPlans.Build("diverge", new TestCell(MethodId.Stl, [], [], [0, 1], Combo: ""));
        var bad = TestFinalTrials.Create(plan.Cells[0], null, 0).Id;
        var executor = new ScriptedExecutor { Failure = s => s.Id == bad && Volatile.Read(ref broken) ? new TrialFailedException("loss diverged") : null };
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor, silos: 1);

        await cluster.Sweeps.SubmitAsync(plan);
        await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
        Assert.Equal(1, executor.Executions(bad));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Sweeps.RetryAsync(plan.SweepId, "0123"));

        Volatile.Write(ref broken, false);
        Assert.Equal(1, await cluster.Sweeps.RetryAsync(plan.SweepId, bad));
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Timeout());
        Assert.Equal(2, status.Trials.Succeeded);
    }

    [Fact]
    public async Task Cancel_MidSweep_DropsPendingAndStopsRunningAtNextHeartbeat()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor { Duration = TimeSpan.FromSeconds(30) };
        var log = new CommitLog();
        var plan = TestPlans.Build("cancel", new TestCell(MethodId.Stl, [], [], Enumerable.Range(0, 10).ToArray(), Combo: ""));
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor, log, silos: 1, slotsPerSilo: 2);

        await cluster.Sweeps.SubmitAsync(plan);
        await WaitUntilAsync(() => executor.InFlight(0) == 2, "two trials running");
        var affected = await cluster.Sweeps.CancelAsync(plan.SweepId);
        // Running trials see the cancellation at their next heartbeat (200 ms) and stop long before their 30 s.
        await WaitUntilAsync(() => executor.InFlight(0) == 0, "running trials to stop");
        await Task.Delay(500);

        var status = await cluster.Sweeps.GetStatusAsync(plan.SweepId);
        Assert.Equal(10, affected);
        Assert.Equal(SweepPhase.Cancelled, status.Phase);
        Assert.Equal(10, status.Trials.Cancelled);
        Assert.Equal(2, executor.TotalExecutions);
        Assert.Empty(log.Commits);
        Assert.Empty(await RecordsAsync(temp.Path, plan.SweepId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Sweeps.RetryAsync(plan.SweepId));
    }
}
