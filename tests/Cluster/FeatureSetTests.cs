using System.Collections.Concurrent;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Features;
using AftSweep.Grains.Interfaces;
using AftSweep.Grains.Options;
using AftSweep.Infra.Orleans;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster;

public sealed class FeatureSetTests
{
    private sealed class CountingRunner : IFeatureExtractionRunner
    {
        public ConcurrentDictionary<int, int> Calls { get; } = new();

        public async Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
        {
            Calls.AddOrUpdate(shard.Index, 1, (_, n) => n + 1);
            await Task.Delay(100, cancellationToken);
            return new FeatureShardResult($"features/{shard.FeatureSetKey}/{shard.Index}.f32", shard.RowCount, 8, new string('0', 64));
        }
    }

    private static Task<LocalCluster> StartClusterAsync(TempFolder temp, int silos, IFeatureExtractionRunner runner)
    {
        var executor = new ScriptedExecutor();
        return LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = silos,
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
    }

    private static FeatureSetRequest Request(string key, int shards)
    {
        var dataset = new DatasetSpec { Name = "d", Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy, Train = new SplitSource(), Test = new SplitSource() };
        return new FeatureSetRequest
        {
            Key = key,
            Shards = Enumerable.Range(0, shards).Select(i => new FeatureShardSpec
            {
                FeatureSetKey = key, Index = i, Teacher = new TeacherRef("t", "noise:8"), Dataset = dataset,
                DatasetFingerprint = "fp", Split = "train", RowStart = i * 10, RowCount = 10,
            }).ToList(),
        };
    }

    [Fact]
    public async Task EnsureFeatureSet_ConcurrentCallersOnTwoSilos_ExtractsEachShardOnce()
    {
        using var temp = new TempFolder();
        var runner = new CountingRunner();
        await using var cluster = await StartClusterAsync(temp, silos: 2, runner);
        const string key = "fs0123abcd";
        var request = Request(key, shards: 4);

        var callers = Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? cluster.Services(0) : cluster.Services(1)).GetRequiredService<IClusterClient>().GetGrain<IFeatureSetGrain>(key).EnsureAsync(request));
        await Task.WhenAll(callers);
        var status = await cluster.Client.GetGrain<IFeatureSetGrain>(key).GetStatusAsync();
        for (var i = 0; i < 100 && status.Phase != FeatureSetPhase.Ready; i++)
        {
            await Task.Delay(50);
            status = await cluster.Client.GetGrain<IFeatureSetGrain>(key).EnsureAsync(request);
        }

        Assert.Equal(FeatureSetPhase.Ready, status.Phase);
        Assert.Equal(4, status.ShardsDone);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(1, runner.Calls[i]));
        Assert.Equal($"features/{key}/3.f32", status.Shards[3]!.Blob);
    }

    private sealed class FailingRunner : IFeatureExtractionRunner
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public Task<FeatureShardResult> ExtractShardAsync(FeatureShardSpec shard, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("teacher file is not ONNX");
        }
    }

    [Fact]
    public async Task ResumeFeatureSet_SetFailed_StaysFailedWhileEnsureRetries()
    {
        using var temp = new TempFolder();
        var runner = new FailingRunner();
        await using var cluster = await StartClusterAsync(temp, silos: 1, runner);
        const string key = "fsfailing01";
        var request = Request(key, shards: 1);
        var grain = cluster.Client.GetGrain<IFeatureSetGrain>(key);

        var status = await grain.EnsureAsync(request);
        for (var i = 0; i < 200 && status.Phase != FeatureSetPhase.Failed; i++)
        {
            await Task.Delay(50);
            status = await grain.ResumeAsync(request);
        }
        Assert.Equal(FeatureSetPhase.Failed, status.Phase);
        var callsWhenFailed = runner.Calls;

        // Polling a failed set must not start it again, however often it is asked.
        for (var i = 0; i < 5; i++) Assert.Equal(FeatureSetPhase.Failed, (await grain.ResumeAsync(request)).Phase);
        await Task.Delay(500);
        Assert.Equal(callsWhenFailed, runner.Calls);

        // An explicit Ensure is a retry: a fresh attempt budget, so the runner is called again.
        Assert.Equal(FeatureSetPhase.Extracting, (await grain.EnsureAsync(request)).Phase);
        for (var i = 0; i < 200 && runner.Calls == callsWhenFailed; i++) await Task.Delay(50);
        Assert.True(runner.Calls > callsWhenFailed, "Ensure on a failed set should retry its shards");
        Assert.Contains(status.Errors, e => e.Contains("not ONNX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_NoSiloListening_ThrowsClusterUnreachableSayingWhatWasTried()
    {
        var port = FreePorts.Take(1)[0];
        var options = new ClusterConnectionOptions { GatewayPorts = [port] };

        var e = await Assert.ThrowsAsync<ClusterUnreachableException>(() => ClusterConnection.ConnectAsync(options, cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token));

        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("aftsweep-silo", e.Message);
    }
}
