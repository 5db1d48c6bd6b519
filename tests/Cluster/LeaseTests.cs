using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Dispatch;
using AftSweep.Grains.Interfaces;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Cluster;

/// <summary>The dispatcher and trial grain driven by hand (a silo with no worker slots), to pin the fencing rules.</summary>
public sealed class LeaseTests
{
    private static readonly TrialResult Result = new()
    {
        Accuracy = 0.9, EvaluatedOn = "test", FinalCrossEntropy = 0.1, FinalRegulariser = 0, WallSeconds = 1, StepsPerSecond = 1, Steps = 1, Epochs = 1, Device = "cpu",
    };

    [Fact]
    public async Task Commit_WithTokenOfExpiredLease_IsRefusedAndCurrentLeaseWins()
    {
        using var temp = new TempFolder();
        var plan = TestPlans.Build("stale", new TestCell(MethodId.Stl, [], [], [0], Combo: ""));
        var spec = TestFinalTrials.Create(plan.Cells[0], null, 0);
        await using var cluster = await TestClusters.StartAsync(temp.Path, new ScriptedExecutor(), silos: 1, devices: "");
        var dispatcher = cluster.Client.GetGrain<IDispatcherGrain>(DispatcherGrain.Key);
        var request = new LeaseRequest { Worker = "test/cpu#0", Device = "cpu", WaitMilliseconds = 2000 };

        await dispatcher.EnqueueAsync("sweep-x", [WorkItem.ForTrial(spec, ["sweep-x"])]);
        var first = await dispatcher.LeaseAsync(request);
        Assert.NotNull(first);
        Assert.Equal(1, first.Attempt);
        // No heartbeat: the lease expires (2 s) and the trial is queued again with a new token.
        var second = await LeaseAgainAsync(dispatcher, request);
        Assert.Equal(2, second.Attempt);
        Assert.True(second.FencingToken > first.FencingToken);

        var stale = await dispatcher.CommitAsync(Commit(first, WorkOutcome.Success(Result)));
        Assert.Equal(CommitReply.Stale, stale);
        Assert.Equal(HeartbeatReply.Lost, await dispatcher.HeartbeatAsync(new Heartbeat { LeaseId = first.LeaseId, Kind = WorkKind.Trial, Key = spec.Id, FencingToken = first.FencingToken, Worker = "test/cpu#0" }));
        Assert.Equal(CommitReply.Accepted, await dispatcher.CommitAsync(Commit(second, WorkOutcome.Success(Result))));
        Assert.Equal(CommitReply.AlreadyAccepted, await dispatcher.CommitAsync(Commit(second, WorkOutcome.Success(Result))));

        var trial = await cluster.Client.GetGrain<ITrialGrain>(spec.Id).GetAsync();
        Assert.Equal(TrialStatus.Succeeded, trial.Status);
        Assert.Equal(2, trial.Attempts);
        Assert.Single(trial.Errors);
        Assert.Contains("lease expired", trial.Errors[0]);
    }

    [Fact]
    public async Task Lease_LongPoll_WakesWhenWorkArrives()
    {
        using var temp = new TempFolder();
        var plan = TestPlans.Build("poll", new TestCell(MethodId.Stl, [], [], [0], Combo: ""));
        var spec = TestFinalTrials.Create(plan.Cells[0], null, 0);
        var scheduling = TestClusters.FastScheduling();
        scheduling.LongPollWait = TimeSpan.FromSeconds(10);
        await using var cluster = await TestClusters.StartAsync(temp.Path, new ScriptedExecutor(), silos: 1, devices: "", scheduling: scheduling);
        var dispatcher = cluster.Client.GetGrain<IDispatcherGrain>(DispatcherGrain.Key);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var waiting = dispatcher.LeaseAsync(new LeaseRequest { Worker = "w", Device = "cpu", WaitMilliseconds = 10_000 });
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await dispatcher.EnqueueAsync("sweep-y", [WorkItem.ForTrial(spec, ["sweep-y"])]);
        var lease = await waiting;

        Assert.NotNull(lease);
        Assert.Equal(spec.Id, lease.Item.Key);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 5);
    }

    private static async Task<Lease> LeaseAgainAsync(IDispatcherGrain dispatcher, LeaseRequest request)
    {
        for (var i = 0; i < 20; i++)
        {
            if (await dispatcher.LeaseAsync(request) is { } lease) return lease;
        }
        throw new TimeoutException("the expired lease was never re-queued");
    }

    private static Commit Commit(Lease lease, WorkOutcome outcome) => new()
    {
        LeaseId = lease.LeaseId,
        Kind = lease.Item.Kind,
        Key = lease.Item.Key,
        FencingToken = lease.FencingToken,
        Worker = "test/cpu#0",
        Outcome = outcome,
    };
}
