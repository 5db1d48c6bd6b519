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

    [Fact]
    public async Task BenchSchedulerLocality_SetsLargerThanOneCache_LocalityReadsFromTheCacheFarMoreThanFifo()
    {
        using var temp = new TempFolder();
        // 8 sets of 1 shard each; each silo's cache holds 4.8 of them.
        var options = new LocalityBench.Options(Trials: 200, Silos: 2, Slots: 2, FeatureSets: 4, SetMb: 0.25, CacheMb: 0.6 * 8 * 0.25, TimeSpan.FromSeconds(2));

        var result = await LocalityBench.RunAsync(options, temp.Path, new CancellationTokenSource(TimeSpan.FromSeconds(240)).Token);

        Assert.True(result.Completed, result.ToText());
        Assert.Equal(200, result.Fifo.TrialsPerSilo.Sum());
        Assert.Equal(200, result.Locality.TrialsPerSilo.Sum());
        Assert.True(result.Locality.HitRate >= 0.8, result.ToText());
        Assert.True(result.Locality.HitRate > result.Fifo.HitRate + 0.2, result.ToText());
        Assert.True(result.Locality.BlobMbRead < result.Fifo.BlobMbRead, result.ToText());
    }
}

/// <summary>The scheduler benchmark on PostgreSQL: clustering, grain state and records in a database `db init` prepared.</summary>
[Collection(AftSweep.Tests.Infrastructure.PostgresCollection.Name)]
public sealed class PostgresSchedulerBenchTests(AftSweep.Tests.Infrastructure.PostgresServer server)
{
    [Fact]
    public async Task BenchScheduler_OnPostgres_EveryTrialAcceptedOnceAndCommitsGrouped()
    {
        using var temp = new TempFolder();
        var database = await server.CreateDatabaseAsync();
        await using (var init = new AftSweep.Infra.Database.Postgres.PostgresStateDatabase(database, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AftSweep.Infra.Database.Postgres.PostgresStateDatabase>.Instance))
            await init.InitAsync();
        var settings = new BenchSchedulerCommand.Settings { Trials = 250, Silos = 2, Slots = 2, State = "postgres" };

        var result = await BenchSchedulerCommand.RunAsync(settings, temp.Path, database, new LatencyRecorder(), new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);

        Assert.True(result.Completed);
        Assert.Equal("postgres", result.State);
        Assert.Equal(250, result.AcceptedCommits);
        Assert.Equal(0, result.OtherCommits);
        Assert.Equal(3, result.CellsDecided);
        // Every trial's lease and commit went through the database, in fewer transactions than writes.
        Assert.True(result.Database.Writes >= 2 * 250, $"{result.Database.Writes} writes");
        Assert.InRange(result.Database.Commits, 1, result.Database.Writes - 1);
    }
}
