using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Features;
using AftSweep.Grains.Sweeps;
using AftSweep.Infra.Metrics;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Cluster;

/// <summary>The sweep grain's collaborators without a cluster: the feature-set gate and the progress gauges.</summary>
public sealed class SweepCollaboratorTests
{
    private static readonly SweepPlan TwoTeachers = TestPlans.Build("gate",
        new TestCell(MethodId.Kd, [1], [0], [0], Combo: "a"), new TestCell(MethodId.Kd, [1], [0], [0], Combo: "bb"));

    /// <summary>Feature-set grains as the gate sees them: a phase per key, and which call asked.</summary>
    private sealed class FakeSets
    {
        public Dictionary<string, FeatureSetPhase> Phases { get; } = new(StringComparer.Ordinal);
        public List<string> Ensured { get; } = [];
        public List<string> Resumed { get; } = [];

        public FeatureSetGate Gate(SweepPlan plan) => new(SweepFeaturePlan.For(plan),
            r => { Ensured.Add(r.Key); return Task.FromResult(Status(r)); },
            r => { Resumed.Add(r.Key); return Task.FromResult(Status(r)); });

        private FeatureSetStatus Status(FeatureSetRequest r) => new()
        {
            Key = r.Key,
            Phase = Phases.GetValueOrDefault(r.Key),
            Errors = Phases.GetValueOrDefault(r.Key) == FeatureSetPhase.Failed ? ["teacher exploded"] : [],
        };
    }

    [Fact]
    public async Task FeatureSetGate_HoldsATrialUntilItsSetsAreReadyOrFailed()
    {
        var sets = new FakeSets();
        foreach (var key in TestPlans.FeatureKeysOf(TwoTeachers, "a")) sets.Phases[key] = FeatureSetPhase.Extracting;
        foreach (var key in TestPlans.FeatureKeysOf(TwoTeachers, "bb")) sets.Phases[key] = FeatureSetPhase.Ready;
        var gate = sets.Gate(TwoTeachers);
        var trialOfA = TwoTeachers.Cells[0].SelectionTrials[0];
        var trialOfB = TwoTeachers.Cells[1].SelectionTrials[0];

        var (waiting, failed) = await gate.EnsureAsync();
        Assert.True(waiting);
        Assert.Empty(failed);
        Assert.Equal(4, sets.Ensured.Count); // two teachers x train and test
        Assert.False(gate.IsReady(trialOfA));
        Assert.True(gate.IsReady(trialOfB));
        Assert.False(gate.AllSettled);
        Assert.False(await gate.PollAsync()); // nothing changed yet

        // a's train set finishes, its test set fails: a failed set lets its trials run (and fail with their own error).
        sets.Phases[TestPlans.FeatureKeysOf(TwoTeachers, "a")[0]] = FeatureSetPhase.Ready;
        sets.Phases[TestPlans.FeatureKeysOf(TwoTeachers, "a")[1]] = FeatureSetPhase.Failed;
        Assert.True(await gate.PollAsync());
        Assert.True(gate.AllSettled);
        Assert.True(gate.IsReady(trialOfA));
        Assert.Equal(TestPlans.FeatureKeysOf(TwoTeachers, "a").Concat(TestPlans.FeatureKeysOf(TwoTeachers, "a")), sets.Resumed);
        // Settled sets are not asked again: a failed one is not retried by every later enqueue.
        await gate.EnsureAsync();
        Assert.Equal(4, sets.Ensured.Count);
    }

    [Fact]
    public async Task FeatureSetGate_ReportsASetThatFailedWhenAsked_AndDoesNotWait()
    {
        var sets = new FakeSets();
        foreach (var key in TestPlans.FeatureKeysOf(TwoTeachers, "a")) sets.Phases[key] = FeatureSetPhase.Failed;
        foreach (var key in TestPlans.FeatureKeysOf(TwoTeachers, "bb")) sets.Phases[key] = FeatureSetPhase.Ready;
        var gate = sets.Gate(TwoTeachers);

        var (waiting, failed) = await gate.EnsureAsync();
        Assert.False(waiting);
        Assert.Equal(TestPlans.FeatureKeysOf(TwoTeachers, "a"), failed.Select(f => f.Request.Key));
        Assert.All(failed, f => Assert.Equal(["teacher exploded"], f.Status.Errors));
        Assert.True(gate.AllSettled);
        Assert.True(gate.IsReady(TwoTeachers.Cells[0].SelectionTrials[0]));
    }

    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public void SweepProgress_EtaIsUnknownUntilATrialFinishes_ThenRemainingTimesTheMeanTimePerTrial()
    {
        var plan = TestPlans.Build("eta", new TestCell(MethodId.Stl, [], [], [0, 1, 2, 3], Combo: ""));
        var ledger = new SweepLedger(plan);
        var time = new ManualTime();
        var progress = new SweepProgress(plan, ledger, new AftSweepMetrics(), time);

        Assert.Null(progress.Report());
        time.Ticks += TimeSpan.FromSeconds(10).Ticks;
        Assert.Null(progress.Report()); // time passed, nothing finished: no pace yet

        var finals = ledger.Trials.Values.OrderBy(s => s.Seed).ToList();
        ledger.Accept(Succeeded(plan, finals[0]));
        // 10 s for one trial, three left.
        Assert.Equal(30, progress.Report()!.Value, 9);
        ledger.Accept(Succeeded(plan, finals[1]));
        time.Ticks += TimeSpan.FromSeconds(10).Ticks;
        Assert.Equal(20, progress.Report()!.Value, 9); // 20 s for two, two left

        // A resumed sweep starts its pace over.
        progress.Restart();
        Assert.Null(progress.Report());
    }

    private static TrialRecord Succeeded(SweepPlan plan, TrialSpec spec) => new()
    {
        SweepId = plan.SweepId,
        Spec = spec,
        Status = TrialStatus.Succeeded,
        Attempts = 1,
        Result = new TrialResult { Accuracy = 0.5, EvaluatedOn = "test", FinalCrossEntropy = 0, FinalRegulariser = 0, WallSeconds = 0, StepsPerSecond = 0, Steps = 0, Epochs = 0, Device = "cpu" },
    };
}
