using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Options;
using AftSweep.Grains.Sweeps;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Records;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Training;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster;

/// <summary>The cluster mode on real Azure Storage APIs (Azurite): Table membership, Blob grain state and records.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClusterTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AzureStorage_TwoSilosFormOneCluster_SweepStateInBlobsAndRestartResumes()
    {
        using var temp = new TempFolder();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var table = $"Cluster{tag}";
        var stateContainer = $"state-{tag}";
        var recordContainer = $"records-{tag}";
        var executor = new ScriptedExecutor { Duration = TimeSpan.FromMilliseconds(150) };
        var plan = TestPlans.Build("azure", new TestCell(MethodId.Stl, [], [], Enumerable.Range(0, 12).ToArray(), Combo: ""));
        var records = new BlobRecordStore(new BlobContainerClient(azurite.ConnectionString, recordContainer));

        LocalClusterOptions Options(string clusterId) => new()
        {
            Silos = 2,
            StateFolder = temp.Path,
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 2 },
            Scheduling = TestClusters.FastScheduling(),
            FastFailureDetection = true,
            ConfigureSettings = (_, settings) =>
            {
                settings.Cluster.Clustering = ClusteringMode.Azure;
                settings.Cluster.ClusterId = clusterId;
                settings.Cluster.AzureStorageConnectionString = azurite.ConnectionString;
                settings.Cluster.AzureClusteringTable = table;
                settings.State.Store = StoreMode.Azure;
                settings.State.GrainStateContainer = stateContainer;
                settings.State.RecordsContainer = recordContainer;
            },
            ConfigureServices = (i, services) =>
            {
                services.AddSingleton<ITrialExecutor>(executor.ForSilo(i));
            },
        };

        HashSet<string> doneBefore;
        await using (var cluster = await LocalCluster.StartAsync(Options($"az-{tag}-1")))
        {
            // Both silos joined one cluster through the membership table.
            var members = await new TableClient(azurite.ConnectionString, table).QueryAsync<TableEntity>().ToListAsync();
            Assert.Equal(2, members.Count(m => m.GetString("Status") == "Active"));
            await cluster.Sweeps.SubmitAsync(plan);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await CountAsync(records, plan.SweepId)) < 4)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the first records");
                await Task.Delay(50);
            }
            await cluster.KillSiloAsync(1);
            await cluster.KillSiloAsync(0);
        }
        doneBefore = (await ListAsync(records, plan.SweepId)).Select(r => r.Spec.Id).ToHashSet();
        var executionsBefore = executor.AllExecutions.ToDictionary(kv => kv.Key, kv => kv.Value);
        var stateBlobs = await new BlobContainerClient(azurite.ConnectionString, stateContainer).GetBlobsAsync().ToListAsync();
        Assert.Contains(stateBlobs, b => b.Name.Contains("sweep", StringComparison.OrdinalIgnoreCase));

        // A new deployment of the same service on the same storage resumes the sweep.
        await using (var cluster = await LocalCluster.StartAsync(Options($"az-{tag}-2")))
        {
            var again = await cluster.Sweeps.SubmitAsync(plan);
            Assert.False(again.Created);
            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100),
                cancellationToken: new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
            Assert.Equal(SweepPhase.Completed, status.Phase);
            Assert.Equal(12, status.Trials.Succeeded);
        }
        var all = await ListAsync(records, plan.SweepId);
        Assert.Equal(12, all.Count);
        Assert.All(all, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
        Assert.All(doneBefore, id => Assert.Equal(executionsBefore[id], executor.Executions(id)));
    }

    private static async Task<int> CountAsync(IRecordStore store, string sweepId) => (await ListAsync(store, sweepId)).Count;

    private static async Task<List<TrialRecord>> ListAsync(IRecordStore store, string sweepId)
    {
        var list = new List<TrialRecord>();
        await foreach (var r in store.ReadAllAsync(sweepId)) list.Add(r);
        return list;
    }
}
