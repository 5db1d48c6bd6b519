using AftSweep.Client.Commands.Bench.Scheduler;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Cluster;

public sealed class SchedulerBenchTests
{
    [Fact]
    public async Task BenchScheduler_FourSilos_EveryTrialAcceptedOnceAndEveryCellDecided()
    {
        using var temp = new TempFolder();
        var latencies = new LatencyRecorder();
        var settings = new BenchSchedulerCommand.Settings { Trials = 250, Silos = 4, Slots = 2 };

        var result = await BenchSchedulerCommand.RunAsync(settings, temp.Path, latencies, new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);

        Assert.True(result.Completed);
        Assert.Equal(250, result.Succeeded);
        Assert.Equal(250, result.AcceptedCommits);
        Assert.Equal(0, result.OtherCommits);
        // 250 trials = cells of 100, 100 and 50 selection trials: each one picks a lambda.
        Assert.Equal(3, result.CellsDecided);
        Assert.True(result.LeaseToCommitP50Ms > 0 && result.LeaseToCommitP99Ms >= result.LeaseToCommitP50Ms);
        Assert.True(result.CpuMsPerTrial > 0);
    }
}
