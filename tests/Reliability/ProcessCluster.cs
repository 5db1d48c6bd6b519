using System.Diagnostics;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Records;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Observability;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// A cluster of real silo processes (silo/ host) on loopback sharing one state folder: silo 0 is the primary and holds
/// grains only; silos 1.. are workers running the real trial engine. Any silo can be killed with SIGKILL and
/// restarted on its ports. Short leases and fast failure detection keep recovery within seconds.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly SiloProcess?[] _silos;
    private readonly int[] _ports;

    /// <summary>Environment variable the silos read the Azure feature store's connection string from (never a command-line argument).</summary>
    private const string StorageVariable = "AFTSWEEP_TEST_STORAGE";

    /// <param name="azureConnection">
    /// Null: localhost clustering, grain state, records and feature store in <see cref="Root"/>. Otherwise everything on
    /// that Azure Storage account (Azurite): Table clustering, Blob grain state and records, Blob feature store.
    /// </param>
    /// <param name="stateOnAzure">With a connection: false keeps state, records and features in <see cref="Root"/> and uses
    /// Azure for clustering only (no primary silo: any silo may die).</param>
    public ProcessCluster(string root, int workers, int slotsPerWorker = 1, string? trialTimeout = null, bool primaryWorks = false,
        string? azureConnection = null, bool stateOnAzure = true, int? maxAttempts = null)
    {
        MaxAttempts = maxAttempts;
        AzureConnection = azureConnection;
        StateOnAzure = azureConnection is not null && stateOnAzure;
        PrimaryWorks = primaryWorks;
        Root = root;
        Workers = workers;
        SlotsPerWorker = slotsPerWorker;
        TrialTimeout = trialTimeout;
        _silos = new SiloProcess?[workers + 1];
        _ports = FreePorts.Take(3 * (workers + 1));
    }

    public string Root { get; }
    public int Workers { get; }
    public int SlotsPerWorker { get; }
    public string? TrialTimeout { get; }
    /// <summary>The silos' --max-attempts; null keeps the default.</summary>
    public int? MaxAttempts { get; }
    /// <summary>Silo 0 runs trials too (the soak's three working silos); otherwise it holds grains only.</summary>
    public bool PrimaryWorks { get; }
    public string ClusterId { get; } = $"rel-{Guid.NewGuid():N}"[..16];
    public string State => Path.Combine(Root, "state");
    public string Store => Path.Combine(Root, "store");
    public string RecordsFolder => Path.Combine(State, "records");
    public int Gateway(int silo) => _ports[3 * silo + 2];
    public string? AzureConnection { get; }
    public bool StateOnAzure { get; }
    public string[] Target => AzureConnection is null
        ? ["--cluster", $"localhost:{string.Join(",", Enumerable.Range(0, _silos.Length).Select(Gateway))}", "--cluster-id", ClusterId]
        : ["--cluster", $"azure:{AzureConnection}", "--cluster-id", ClusterId];
    public bool IsAlive(int silo) => _silos[silo] is not null;
    /// <summary>Started and not killed by the test, but its process has ended (it crashed or stopped itself).</summary>
    public bool HasDied(int silo) => _silos[silo] is { HasExited: true };

    public async Task StartAllAsync()
    {
        await StartAsync(0);
        await Task.WhenAll(Enumerable.Range(1, Workers).Select(StartAsync));
    }

    public async Task StartAsync(int silo)
    {
        var (http, port, gateway) = (_ports[3 * silo], _ports[3 * silo + 1], _ports[3 * silo + 2]);
        var args = new List<string>
        {
            "--http-port", $"{http}", "--silo-port", $"{port}", "--gateway-port", $"{gateway}", "--primary-silo-port", $"{_ports[1]}",
            "--cluster-id", ClusterId, "--state", State, "--address", "127.0.0.1",
            "--store", StateOnAzure ? $"azure:{StorageVariable}" : Store, $"--Engine:StagedCache={Path.Combine(Root, "staged", $"silo{silo}")}",
            silo == 0 && !PrimaryWorks ? "--Workers:Devices=" : "--Workers:Devices=cpu", "--slots-per-device", $"{SlotsPerWorker}",
            "--FastFailureDetection=true", "--Scheduling:LeaseDuration=00:00:03", "--Scheduling:HeartbeatInterval=00:00:00.500",
            "--Scheduling:LongPollWait=00:00:00.500", "--Scheduling:ExpiryCheckInterval=00:00:00.250", "--Scheduling:ResyncInterval=00:00:02",
            "--Engine:TorchThreads=1",
        };
        if (TrialTimeout is not null) args.AddRange(["--trial-timeout", TrialTimeout]);
        if (MaxAttempts is not null) args.AddRange(["--max-attempts", $"{MaxAttempts}"]);
        var environment = new Dictionary<string, string>();
        if (AzureConnection is not null)
        {
            args.AddRange(["--clustering", "Azure"]);
            if (StateOnAzure) args.AddRange(["--state-store", "Azure"]);
            environment["Cluster__AzureStorageConnectionString"] = AzureConnection;
            environment[StorageVariable] = AzureConnection;
        }
        _silos[silo] = await SiloProcess.StartAsync(args, http, environment);
    }

    /// <summary>kill -9: no shutdown, no lease hand-back, whatever it was writing is left as it was.</summary>
    public void Kill(int silo)
    {
        _silos[silo]?.Dispose();
        _silos[silo] = null;
    }

    public Task<ClusterConnection> ConnectAsync() => ClusterConnection.ConnectAsync(AzureConnection is null
        ? new ClusterConnectionOptions
        {
            ClusterId = ClusterId,
            GatewayPorts = Enumerable.Range(0, _silos.Length).Where(IsAlive).Select(Gateway).ToArray(),
        }
        : new ClusterConnectionOptions { ClusterId = ClusterId, Clustering = ClusteringMode.Azure, AzureStorageConnectionString = AzureConnection });

    /// <summary>The record store the silos write to (folder, or the Azure records container).</summary>
    public IRecordStore RecordStore => !StateOnAzure
        ? new FolderRecordStore(RecordsFolder)
        : OrleansHostingExtensions.CreateRecordStore(new StateStoreOptions { Store = StoreMode.Azure },
            new ClusterConnectionOptions { AzureStorageConnectionString = AzureConnection });

    public async Task<List<TrialRecord>> RecordsAsync(string sweepId)
    {
        var list = new List<TrialRecord>();
        await foreach (var r in RecordStore.ReadAllAsync(sweepId)) list.Add(r);
        return list;
    }

    public int RecordFiles(string sweepId)
    {
        var folder = Path.Combine(RecordsFolder, sweepId);
        // Records written before the journal existed are one file each; journal segments hold the rest.
        // Counted from the frames (no JSON parsing): the soak polls this with thousands of records.
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json").Length + JournalAudit.PutsPerKey(folder).Count : 0;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(60))) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }

    public async Task<SweepStatus> WaitForCompletionAsync(string sweepId, TimeSpan limit)
    {
        await using var connection = await ConnectAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var status = await connection.Sweeps.GetStatusAsync(sweepId);
                if (status.IsDone) return status;
            }
            catch (Exception e) when (e is not SweepNotFoundException && clock.Elapsed < limit)
            {
                // A grain moving off a killed silo: ask again.
            }
            if (clock.Elapsed > limit) throw new TimeoutException($"sweep {sweepId} did not finish within {limit.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    public string Output(int silo) => _silos[silo]?.Output ?? "";

    public ValueTask DisposeAsync()
    {
        for (var i = _silos.Length - 1; i >= 0; i--) Kill(i);
        return ValueTask.CompletedTask;
    }
}
