using System.Collections.Concurrent;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Dispatch;
using AftSweep.Grains.Options;
using AftSweep.Grains.Sweeps;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Training;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster;

/// <summary>
/// Placement by feature locality: a trial goes first to a slot whose silo's cache holds all its feature sets, kept for
/// that silo for at most the locality wait, then to any slot.
/// </summary>
public sealed class PlacementTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class FixedProbe(IReadOnlyList<string> keys) : IFeatureCacheProbe
    {
        public IReadOnlyList<string> CachedFeatureKeys() => keys;
    }

    /// <summary>Runs trials in <see cref="Duration"/> per silo and remembers which silo ran each.</summary>
    private sealed class PlacingExecutor
    {
        public ConcurrentDictionary<string, int> RanOn { get; } = new(StringComparer.Ordinal);
        public Func<int, TimeSpan> Duration { get; init; } = _ => TimeSpan.FromMilliseconds(20);

        public ITrialExecutor ForSilo(int silo) => new Silo(this, silo);

        private sealed class Silo(PlacingExecutor owner, int silo) : ITrialExecutor
        {
            public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
            {
                owner.RanOn[spec.Id] = silo;
                await Task.Delay(owner.Duration(silo), cancellationToken);
                return new TrialResult
                {
                    Accuracy = 0.5, EvaluatedOn = spec.Stage == TrialStage.Selection ? "holdout" : "test", FinalCrossEntropy = 0.3, FinalRegulariser = 0,
                    WallSeconds = 0, StepsPerSecond = 1, Steps = 1, Epochs = 1, Device = "cpu",
                };
            }
        }
    }

    private static SchedulingOptions Scheduling(TimeSpan localityWait)
    {
        var options = TestClusters.FastScheduling();
        options.LocalityWait = localityWait;
        return options;
    }

    private static WorkItem Trial(string id, params string[] keys) => new() { Kind = WorkKind.Trial, Key = id, FeatureKeys = keys };

    private static LeaseRequest Slot(string silo, params string[] cached) => new() { Worker = $"{silo}/cpu#0", Device = "cpu", CachedFeatureKeys = cached };

    [Fact]
    public void Queue_SlotWhoseSiloHoldsTheSets_TakesThatTrialBeforeTheHead()
    {
        var queue = new WorkQueue(new FeatureLocality(), TimeSpan.FromSeconds(5), new ManualTime(DateTimeOffset.UnixEpoch));
        queue.Add(Trial("head", "x"));
        queue.Add(Trial("mine", "a", "b"));

        Assert.Equal("mine", queue.Take(Slot("s1", "a", "b", "c"))!.Key);
        Assert.Equal("head", queue.Take(Slot("s1", "a", "b", "c"))!.Key); // nothing local left: the head, nobody holds it
    }

    [Fact]
    public void Queue_TrialHeldBySomeSilo_IsKeptForItUntilTheLocalityWaitThenGoesToAnySlot()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var queue = new WorkQueue(new FeatureLocality(), TimeSpan.FromSeconds(5), time);
        Assert.Null(queue.Take(Slot("s1", "a", "b"))); // s1 asks with nothing queued: its cache is now known
        queue.Add(Trial("t1", "a", "b"));
        queue.Add(Trial("t2", "z"));

        // Another silo, free now: it gets the trial nobody holds, and not the one kept for s1.
        Assert.Equal("t2", queue.Take(Slot("s2"))!.Key);
        Assert.Null(queue.Take(Slot("s2")));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5), queue.KeptUntil);

        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(4.9);
        Assert.Null(queue.Take(Slot("s2")));
        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(5);
        Assert.Equal("t1", queue.Take(Slot("s2"))!.Key); // s1 stayed busy: after the bounded wait, any slot
        Assert.Null(queue.KeptUntil);
    }

    [Fact]
    public void Queue_SiloThatNoLongerReportsTheSets_KeepsNothing_AndZeroWaitKeepsNothing()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var queue = new WorkQueue(new FeatureLocality(), TimeSpan.FromSeconds(5), time);
        queue.Take(Slot("s1", "a"));
        queue.Take(Slot("s1")); // s1's cache evicted the set
        queue.Add(Trial("t1", "a"));
        Assert.Equal("t1", queue.Take(Slot("s2"))!.Key);

        var eager = new WorkQueue(new FeatureLocality(), TimeSpan.Zero, time);
        eager.Take(Slot("s1", "a"));
        eager.Add(Trial("t1", "a"));
        Assert.Equal("t1", eager.Take(Slot("s2"))!.Key);
    }

    [Fact]
    public void Queue_HolderSilentPastTheHorizon_KeepsNothing_UntilItIsSeenAgain()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var locality = new FeatureLocality(time, TimeSpan.FromSeconds(60));
        var queue = new WorkQueue(locality, TimeSpan.FromSeconds(5), time);
        queue.Take(Slot("s1", "a"));
        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(50);
        locality.Seen("s1/cpu#0"); // a heartbeat: s1 is busy, not gone
        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(100);
        queue.Add(Trial("t1", "a"));
        Assert.Null(queue.Take(Slot("s2")));

        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(111); // neither lease nor heartbeat from s1 for 61 s
        queue.Add(Trial("t2", "a"));
        Assert.Equal("t1", queue.Take(Slot("s2"))!.Key);
        Assert.Equal("t2", queue.Take(Slot("s2"))!.Key);
    }

    [Fact]
    public async Task Cluster_BothSilosFree_EachTrialLandsOnTheSiloWhoseCacheHoldsItsFeatureSets()
    {
        using var temp = new TempFolder();
        var plan = TestPlans.Build("placement",
            new TestCell(MethodId.Aft, [0.1, 1.0, 10.0], [0, 1], [0], Combo: "a"),
            new TestCell(MethodId.Aft, [0.1, 1.0, 10.0], [0, 1], [0], Combo: "bb"));
        var executor = new PlacingExecutor();
        var cached = new[] { TestPlans.FeatureKeysOf(plan, "a"), TestPlans.FeatureKeysOf(plan, "bb") };
        // A wait far longer than the test: a trial can only run off its silo if placement is broken.
        var status = await RunOnTwoSilosAsync(temp.Path, plan, executor, cached, TimeSpan.FromSeconds(60));

        Assert.Equal(SweepPhase.Completed, status.Phase);
        var records = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(temp.Path, plan.SweepId)) records.Add(r);
        Assert.Equal(14, records.Count); // 2 cells x (6 selection + 1 final)
        foreach (var record in records)
        {
            var expected = record.Spec.Combo[0].Name == "a" ? "silo0" : "silo1";
            Assert.Equal(expected, FeatureLocality.SiloOf(record.Worker!));
        }
    }

    [Fact]
    public async Task Cluster_SiloHoldingTheSetsStaysBusy_OtherSiloTakesTheTrialsAfterTheBoundedWait()
    {
        using var temp = new TempFolder();
        var plan = TestPlans.Build("placement-wait", new TestCell(MethodId.Aft, [0.1, 1.0, 10.0], [0, 1], [0], Combo: "a"));
        // silo0 holds the sets but takes 3 s per trial; with a 300 ms wait the other silo must pick up the rest.
        var executor = new PlacingExecutor { Duration = silo => silo == 0 ? TimeSpan.FromSeconds(3) : TimeSpan.FromMilliseconds(20) };
        var cached = new[] { TestPlans.FeatureKeysOf(plan, "a"), (IReadOnlyList<string>)[] };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = await RunOnTwoSilosAsync(temp.Path, plan, executor, cached, TimeSpan.FromMilliseconds(300));

        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(7, executor.RanOn.Count);
        Assert.Contains(0, executor.RanOn.Values);                // the holder ran what it could
        Assert.True(executor.RanOn.Values.Count(s => s == 1) >= 4, string.Join(",", executor.RanOn.Values));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7 * 3), $"took {clock.Elapsed}: trials waited for the busy silo");
    }

    /// <summary>Two silos, one slot each, silo i reporting <paramref name="cached"/>[i]; runs the plan to its end.</summary>
    private static async Task<SweepStatus> RunOnTwoSilosAsync(string state, SweepPlan plan, PlacingExecutor executor,
        IReadOnlyList<string>[] cached, TimeSpan localityWait)
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2,
            StateFolder = state,
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 1 },
            Scheduling = Scheduling(localityWait),
            FastFailureDetection = true,
            ConfigureServices = (i, services) =>
            {
                services.AddSingleton<ITrialExecutor>(executor.ForSilo(i));
                services.AddSingleton<IFeatureCacheProbe>(new FixedProbe(cached[i]));
            },
        });
        // Both silos' slots have asked for work (and so reported their caches) before the sweep queues anything.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await new SweepClient(cluster.Client).SubmitAsync(plan);
        return await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100),
            cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    }
}
