using System.Collections.Concurrent;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Features;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using AftSweep.Grains.Sweeps;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster;

/// <summary>Flow step 2: a sweep has its teachers' features extracted (once, as work items on any silo) before its trials run.</summary>
public sealed class SweepFeatureTests
{
    private sealed class CountingRunner : IFeatureExtractionRunner
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);
        public ConcurrentBag<string> Workers { get; } = [];
        private int _finished;

        public int Finished => Volatile.Read(ref _finished);

        public async Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate($"{shard.Teacher.Spec}/{shard.Split}", 1, (_, n) => n + 1);
            await Task.Delay(300, cancellationToken);
            Interlocked.Increment(ref _finished);
            return new FeatureShardResult($"features/{shard.FeatureSetKey}/manifest.json", 100, 8, new string('a', 64));
        }
    }

    [Fact]
    public async Task Sweep_TeacherCombo_TwoSilos_ExtractsEachFeatureSetOnceBeforeAnyTrialRuns()
    {
        using var temp = new TempFolder();
        var runner = new CountingRunner();
        var early = 0;
        var executor = new ScriptedExecutor
        {
            // Every trial must start after both of its teacher's feature sets (train, test) were extracted.
            Failure = _ =>
            {
                if (runner.Finished < 2) Interlocked.Increment(ref early);
                return null;
            },
        };
        var plan = TestPlans.Build("features", new TestCell(MethodId.Aft, [0.1, 1.0], [0], [0, 1], Combo: "t1"));
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2,
            StateFolder = temp.Path,
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 2 },
            Scheduling = TestClusters.FastScheduling(),
            FastFailureDetection = true,
            ConfigureServices = (i, services) =>
            {
                services.AddSingleton<ITrialExecutor>(executor.ForSilo(i));
                services.AddSingleton<IFeatureExtractionRunner>(runner);
            },
        });

        // Two concurrent submissions through both silos: still one sweep, one extraction per set.
        await Task.WhenAll(
            new SweepClient(cluster.Services(0).GetRequiredService<IClusterClient>()).SubmitAsync(plan),
            new SweepClient(cluster.Services(1).GetRequiredService<IClusterClient>()).SubmitAsync(plan));
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100),
            cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        Assert.Equal(SweepPhase.Completed, status.Phase);
        Assert.Equal(4, status.Trials.Succeeded);
        Assert.Equal(2, runner.Calls.Count);
        Assert.All(runner.Calls.Values, n => Assert.Equal(1, n));
        Assert.Equal(["noise:16/test", "noise:16/train"], runner.Calls.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, early);
        foreach (var request in SweepFeaturePlan.For(plan))
        {
            var set = await cluster.Client.GetGrain<IFeatureSetGrain>(request.Key).GetStatusAsync();
            Assert.Equal(FeatureSetPhase.Ready, set.Phase);
            Assert.Equal($"features/{request.Key}/manifest.json", set.Shards[0]!.Blob);
        }
        var records = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(temp.Path, plan.SweepId)) records.Add(r);
        Assert.Equal(4, records.Select(r => r.Spec.Id).Distinct().Count());
    }
}
