using System.Diagnostics.Metrics;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Metrics;
using AftSweep.Workers.Slots;

namespace AftSweep.Tests.Observability;

public sealed class MetricsRecordingTests
{
    [Theory]
    [InlineData("lease expired: no heartbeat for 30 s from silo1/cpu#0", FailureReasons.LeaseExpired)]
    [InlineData("trial t1: exceeded its time limit of 60 s", FailureReasons.Timeout)]
    [InlineData("trial t1: loss diverged at step 12 (NaN)", FailureReasons.Diverged)]
    [InlineData("InvalidDataException: bad row 3", FailureReasons.Error)]
    [InlineData(null, FailureReasons.Error)]
    public void FailureReasons_Classify_MapsFreeTextOntoTheBoundedSet(string? error, string expected) =>
        Assert.Equal(expected, FailureReasons.Classify(error));

    [Fact]
    public void SlotProgressMeter_Heartbeats_AddStepDeltasAndSamplesByBatchSize()
    {
        using var metrics = new AftSweepMetrics();
        var totals = Listen(metrics.Meter, out var listener);
        using (listener)
        {
            var spec = Spec(batchSize: 16);
            var meter = new SlotProgressMeter(metrics, "cpu", "s#0", WorkItem.ForTrial(spec, ["sweep"]));
            meter.Observe(new TrialProgress(10, 40, 1.0, "train"));
            meter.Observe(new TrialProgress(10, 40, 1.0, "train")); // a repeated heartbeat adds nothing
            meter.Observe(new TrialProgress(25, 40, 0.5, "train"));
            meter.Finish(WorkOutcome.Success(Result(steps: 40)));

            Assert.Equal(40, meter.CountedSteps);
            Assert.Equal(40, totals[InstrumentNames.TrainingSteps]);
            Assert.Equal(40 * 16, totals[InstrumentNames.TrainingSamples]);
        }
    }

    [Fact]
    public void AftSweepMetrics_ReasonCounters_StartAtZeroForEveryReason()
    {
        using var metrics = new AftSweepMetrics();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, metrics.Meter) && i.Name == InstrumentNames.TrialRetries) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => seen[(string)tags[0].Value!] = value);
        listener.Start();
        metrics.TrialRetried(FailureReasons.Timeout);
        metrics.TrialRetried("something unexpected");
        listener.RecordObservableInstruments();

        Assert.Equal(FailureReasons.All.Order(), seen.Keys.Order());
        Assert.Equal(1, seen[FailureReasons.Timeout]);
        Assert.Equal(1, seen[FailureReasons.Error]);
        Assert.Equal(0, seen[FailureReasons.Diverged]);
    }

    private static Dictionary<string, long> Listen(Meter meter, out MeterListener listener)
    {
        var totals = new Dictionary<string, long>();
        listener = new MeterListener
        {
            InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, meter)) l.EnableMeasurementEvents(i); },
        };
        listener.SetMeasurementEventCallback<long>((i, value, _, _) =>
        {
            lock (totals) totals[i.Name] = totals.GetValueOrDefault(i.Name) + value;
        });
        listener.Start();
        return totals;
    }

    private static TrialSpec Spec(int batchSize) => new()
    {
        Id = "t1",
        Stage = TrialStage.Final,
        Method = MethodId.Stl,
        Combo = [],
        Seed = 0,
        Dataset = new DatasetSpec { Name = "d", Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy, Train = new SplitSource(), Test = new SplitSource() },
        DatasetFingerprint = "abc",
        Downstream = new DownstreamSpec { Model = "mlp" },
        Training = new TrainingConfig { Steps = 40, BatchSize = batchSize, Lr = 1e-3, Device = "cpu" }
            .Resolve(MethodCatalog.Get(MethodId.Stl), DatasetKind.Vectors),
        HoldoutFraction = 0.1,
        SplitSeed = 42,
    };

    private static TrialResult Result(int steps) => new()
    {
        Accuracy = 0.5, EvaluatedOn = "holdout", FinalCrossEntropy = 0, FinalRegulariser = 0, WallSeconds = 1,
        StepsPerSecond = steps, Steps = steps, Epochs = 1, Device = "cpu",
    };
}
