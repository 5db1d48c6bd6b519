using System.Diagnostics;
using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Storage;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Features;
using Azure.Storage.Blobs;
using Xunit.Abstractions;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// A sweep on Azure Storage only (Azurite: Table clustering, Blob grain state and records, Blob feature store) with real
/// silo processes, and Azurite taken down for 20-30 s in the middle of it (stop, 20 s, start), then started again on the same ports and data.
/// Every storage call in that window fails (connection refused); the sweep must complete with every trial once and
/// nothing corrupt read afterwards.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class AzuriteOutageTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SweepLimit = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Sweep_AzuriteDownHalfAMinuteMidSweep_CompletesEveryTrialOnceNothingCorrupt()
    {
        using var temp = new TempDirectory("aftsweep-rel-");
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 1, slotsPerWorker: 2, azureConnection: azurite.ConnectionString);
        try
        {
            var grid = TinyGrids.Write(temp.Path, "rel-outage",
                teachers: new { noise = "noise:512" }, combos: new[] { new[] { "noise" } },
                methods: new Dictionary<string, object> { ["stl"] = new { }, ["kd"] = new { lambdas = new[] { 1.0 } } },
                seeds: [0, 1, 2, 3], steps: 150);
            await cluster.StartAllAsync();
            var submit = await CliRun.InvokeAsync(["submit", grid, "--json", .. cluster.Target]);
            Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
            var json = JsonDocument.Parse(submit.Out).RootElement;
            var sweepId = json.GetProperty("sweepId").GetString()!;
            var total = json.GetProperty("totalTrials").GetInt32();

            // Mid sweep: features extracted into the blob store, some trials recorded, others running (their work in
            // flight when storage goes away), the rest queued.
            var clock = Stopwatch.StartNew();
            var before = 0;
            IReadOnlyList<string> inFlight = [];
            while ((before = await RecordCountAsync(cluster, sweepId)) < 2 || (inFlight = await RunningTrialsAsync(cluster, sweepId)).Count == 0)
            {
                Assert.True(clock.Elapsed < SweepLimit, $"no records and running trials after {SweepLimit.TotalSeconds} s\n{cluster.Output(1)}");
                await Task.Delay(200);
            }
            Assert.True(before < total, $"the sweep finished ({before}/{total}) before the outage could hit it");
            var down = Stopwatch.StartNew();
            await azurite.StopAsync();
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: Azurite stopped (took {down.Elapsed.TotalSeconds:0.0} s) at {before}/{total} records, {inFlight.Count} trials running");
            await Task.Delay(Outage);
            // The silos ride the outage out: none crashed or stopped itself while its storage was gone.
            Assert.False(cluster.HasDied(0) || cluster.HasDied(1), $"a silo died during the outage\n--- silo 0\n{cluster.Output(0)}\n--- silo 1\n{cluster.Output(1)}");
            await azurite.RestartAsync();
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: Azurite answering again, {down.Elapsed.TotalSeconds:0.0} s after the stop began");

            var status = await cluster.WaitForCompletionAsync(sweepId, SweepLimit);
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: sweep {status.Phase}: {status.Trials.Succeeded} succeeded, {status.Trials.Failed} failed");
            var records = await cluster.RecordsAsync(sweepId); // parses every record blob (a torn one would throw)
            foreach (var r in records.Where(r => r.Attempts > 1 || r.Errors.Count > 0))
                log.WriteLine($"trial {r.Spec.Id[..12]}: {r.Attempts} attempts; {string.Join(" | ", r.Errors)}");
            var siloLog = cluster.Output(0) + cluster.Output(1);
            var storageWarnings = siloLog.Split('\n').Where(IsStorageTrouble).ToList();
            log.WriteLine($"{storageWarnings.Count} silo log lines about failed storage, lease, heartbeat or commit calls, e.g.:");
            foreach (var line in storageWarnings.Take(8)) log.WriteLine("  " + line.Trim());

            Assert.True(status.Phase == SweepPhase.Completed, $"{status.Phase}: {status.Trials}\n{siloLog}");
            Assert.Equal(total, status.Trials.Succeeded);
            Assert.Equal(0, status.Trials.Failed);
            Assert.Equal(total, records.Count);
            Assert.Equal(total, records.Select(r => r.Spec.Id).Distinct().Count());
            Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
            Assert.All(records, r => Assert.True(r.Result is not null && double.IsFinite(r.Result.Accuracy), $"trial {r.Spec.Id}: no finite result"));
            // Nothing but the records in the records container (no half-written or stray blobs).
            var recordBlobs = await BlobNamesAsync(azurite, "aftsweep-records", sweepId + "/");
            Assert.Equal(total, recordBlobs.Count);
            // A retried attempt was retried for the outage, never for anything else, and within the attempt limit.
            Assert.All(records, r => Assert.InRange(r.Attempts, 1, 3));
            Assert.All(records.SelectMany(r => r.Errors), e => Assert.True(IsOutageError(e), $"a trial attempt failed for another reason: {e}"));
            // The outage hit the silos (they saw storage calls fail and logged it) and it was ridden out.
            Assert.Contains(storageWarnings, l => l.Contains("Connection refused", StringComparison.Ordinal));
            // The work running when storage went away could not commit during the outage (a commit writes its record to
            // blob storage first; a feature extraction writes shards): it committed after the outage in its first attempt
            // (the slot retries a failed commit, and a trial still computing needs no storage), or its attempt failed for
            // the outage (lease expired while its commit could not be written, or a blob call outlasted Polly's retries)
            // and it ran again.
            var byId = records.ToDictionary(r => r.Spec.Id);
            var rerun = inFlight.Count(id => byId[id].Attempts > 1);
            log.WriteLine($"in flight at the outage: {inFlight.Count}; re-run after an outage failure: {rerun}; committed after the outage in their first attempt: {inFlight.Count - rerun}");
            Assert.All(inFlight, id => Assert.True(byId[id].Attempts == 1 || (byId[id].Errors.Count > 0 && byId[id].Errors.All(IsOutageError)),
                $"trial {id}: {byId[id].Attempts} attempts, errors: {string.Join(" | ", byId[id].Errors)}"));

            await AssertFeatureSetsVerifyAsync(azurite);
        }
        finally
        {
            await cluster.DisposeAsync();
            await azurite.DisposeAsync();
        }
    }

    private static async Task<int> RecordCountAsync(ProcessCluster cluster, string sweepId) => (await cluster.RecordsAsync(sweepId)).Count;

    /// <summary>Trials leased or running now, from `aftsweep trials --json` (through the cluster).</summary>
    private static async Task<IReadOnlyList<string>> RunningTrialsAsync(ProcessCluster cluster, string sweepId)
    {
        var trials = await CliRun.InvokeAsync(["trials", sweepId, "--json", .. cluster.Target]);
        Assert.True(trials.ExitCode == ExitCodes.Ok, trials.ToString());
        return JsonDocument.Parse(trials.Out).RootElement.EnumerateArray()
            .Where(t => t.GetProperty("state").GetString() is "running" or "leased")
            .Select(t => t.GetProperty("id").GetString()!).ToList();
    }

    private static async Task<List<string>> BlobNamesAsync(AzuriteFixture azurite, string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(azurite.ConnectionString, container).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, CancellationToken.None)) names.Add(blob.Name);
        return names;
    }

    /// <summary>Every feature set in the blob store is complete and every shard matches its manifest's sha256.</summary>
    private static async Task AssertFeatureSetsVerifyAsync(AzuriteFixture azurite)
    {
        var container = new BlobContainerClient(azurite.ConnectionString, BlobStoreOptions.DefaultContainer);
        var manifests = (await BlobNamesAsync(azurite, container.Name, "features/")).Where(n => n.EndsWith("/" + FeatureSetKey.ManifestName, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(manifests);
        foreach (var name in manifests)
        {
            var manifest = FeatureManifestSerializer.Parse((await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToMemory().Span, name);
            Assert.Equal(Transfer.Features.FeatureSetStatus.Complete, manifest.Status);
            Assert.Equal(manifest.ShardCount, manifest.Shards.Count);
            foreach (var shard in manifest.Shards)
            {
                var bytes = (await container.GetBlobClient(shard.Blob).DownloadContentAsync()).Value.Content.ToArray();
                var rows = new float[shard.Rows * manifest.Dim];
                var outcome = ShardVerifier.VerifyAndDecode(bytes, shard, manifest.Dim, rows, out var problem);
                Assert.True(outcome == ShardReadOutcome.Ok, $"{shard.Blob}: {outcome} {problem}");
            }
        }
    }

    private static bool IsStorageTrouble(string line) =>
        line.Contains("lease", StringComparison.OrdinalIgnoreCase) || line.Contains("commit", StringComparison.OrdinalIgnoreCase)
        || line.Contains("heartbeat", StringComparison.OrdinalIgnoreCase) || line.Contains("Connection refused", StringComparison.OrdinalIgnoreCase)
        || line.Contains("retry", StringComparison.OrdinalIgnoreCase) || line.Contains("storage", StringComparison.OrdinalIgnoreCase);

    private static bool IsOutageError(string error) =>
        error.Contains("lease expired", StringComparison.Ordinal) || error.Contains("lease lost", StringComparison.Ordinal)
        || error.Contains("Connection refused", StringComparison.OrdinalIgnoreCase) || error.Contains("RequestFailed", StringComparison.Ordinal)
        || error.Contains("BlobStore", StringComparison.Ordinal) || error.Contains("FeatureStore", StringComparison.Ordinal)
        || error.Contains("Storage", StringComparison.Ordinal);
}
