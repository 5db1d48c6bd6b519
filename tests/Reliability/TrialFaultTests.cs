using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Metrics;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Transfer.Training;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// Trials that go wrong in the engine (NaN divergence, out of memory, a hang past the per-trial timeout) on a real
/// in-process cluster: each fails with its own reason, the other trials still finish, and `retry` re-runs them.
/// </summary>
public sealed class TrialFaultTests
{
    private static CancellationToken Limit() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Sweep_DivergingOomAndHangingTrials_EachFailsWithItsReason_RestFinish_RetryRecovers()
    {
        using var temp = new TempFolder();
        var plan = TestPlans.Build("faults", new TestCell(MethodId.Stl, [], [], Enumerable.Range(0, 8).ToArray(), Combo: ""));
        var ids = plan.Cells[0].FinalSeeds.Select(s => TestFinalTrials.Create(plan.Cells[0], null, s).Id).ToList();
        var (nan, oom, hang) = (ids[0], ids[1], ids[2]);
        var broken = 1;
        using var hung = new ManualResetEventSlim(false);
        var executor = new ScriptedExecutor
        {
            Duration = TimeSpan.FromMilliseconds(50),
            Failure = s => Volatile.Read(ref broken) == 0 ? null : s.Id == nan
                // What Trainer throws on a non-finite loss.
                ? new TrialFailedException("stl: diverged at step 3 (loss=NaN, ce=NaN, r=0)")
                : s.Id == oom ? new OutOfMemoryException("simulated: CUDA out of memory, tried to allocate 2.00 GiB")
                : s.Id == hang ? Hang(hung) : null,
        };
        var scheduling = TestClusters.FastScheduling(maxAttempts: 2);
        scheduling.TrialTimeout = TimeSpan.FromSeconds(1.5);
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor, silos: 1, slotsPerSilo: 2, scheduling: scheduling);

        await cluster.Sweeps.SubmitAsync(plan);
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Limit());

        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(5, status.Trials.Succeeded);
        Assert.Equal(3, status.Trials.Failed);
        var failed = (await cluster.Sweeps.GetTrialsAsync(plan.SweepId, new TrialFilter { Status = TrialStatus.Failed })).ToDictionary(t => t.Spec.Id);
        Assert.Equal(FailureReasons.Diverged, FailureReasons.Classify(failed[nan].Errors.Last()));
        Assert.Single(failed[nan].Errors); // divergence is not retried: it would diverge again
        Assert.Contains("OutOfMemoryException", failed[oom].Errors.Last());
        Assert.Equal(2, failed[oom].Errors.Count); // OOM may be transient (another trial on the device): retried up to the limit
        Assert.Contains("timeout: still running after 1.5 s", failed[hang].Errors.Last());
        Assert.Equal(FailureReasons.Timeout, FailureReasons.Classify(failed[hang].Errors.Last()));
        Assert.Single(failed[hang].Errors);
        // The hung trial ignored cancellation, yet its slot went on to run the rest (all five others finished).
        Assert.False(hung.IsSet);

        Volatile.Write(ref broken, 0);
        Assert.Equal(3, await cluster.Sweeps.RetryAsync(plan.SweepId));
        status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: Limit());
        hung.Set();

        Assert.Equal(8, status.Trials.Succeeded);
        Assert.Equal(0, status.Trials.Failed);
        Assert.All(ids[3..], id => Assert.Equal(1, executor.Executions(id)));
    }

    /// <summary>A trial stuck in native code: blocks its thread and never looks at its cancellation token.</summary>
    private static Exception? Hang(ManualResetEventSlim release)
    {
        release.Wait(TimeSpan.FromSeconds(30));
        return null;
    }
}
