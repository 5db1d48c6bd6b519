using System.Diagnostics;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Records;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Observability;
using Azure.Storage.Blobs;
using Npgsql;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// A cluster of real silo processes (silo/ host) on loopback: silo 0 holds grains only (unless <see cref="PrimaryWorks"/>),
/// silos 1.. are workers running the real trial engine. Any silo can be killed with SIGKILL and restarted on its ports.
/// Short leases and fast failure detection keep recovery within seconds. Three setups: localhost clustering with state
/// and records in the SQLite database of <see cref="State"/> (silo 0 is the membership primary); PostgreSQL clustering,
/// state and records (<c>postgres</c>; no primary); Azure Storage (Azurite).
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly SiloProcess?[] _silos;
    private readonly int[] _ports;

    /// <summary>Environment variable the silos read the Azure feature store's connection string from (never a command-line argument).</summary>
    private const string StorageVariable = "AFTSWEEP_TEST_STORAGE";

    /// <param name="azureConnection">
    /// Azure Storage (Azurite): Table clustering, and with <paramref name="stateOnAzure"/> Blob grain state, records and feature store.
    /// </param>
    /// <param name="stateOnAzure">With a connection: false keeps state, records and features in <see cref="Root"/> and uses
    /// Azure for clustering only (no primary silo: any silo may die).</param>
    /// <param name="postgres">A PostgreSQL database `db init` prepared: clustering, grain state and records there (features stay in <see cref="Root"/>).</param>
    public ProcessCluster(string root, int workers, int slotsPerWorker = 1, string? trialTimeout = null, bool primaryWorks = false,
        string? azureConnection = null, bool stateOnAzure = true, string? postgres = null, int? maxAttempts = null)
    {
        MaxAttempts = maxAttempts;
        AzureConnection = azureConnection;
        StateOnAzure = azureConnection is not null && stateOnAzure;
        Postgres = postgres;
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
    /// <summary>The state folder: the SQLite database (aftsweep.db) unless state is in PostgreSQL or Azure.</summary>
    public string State => Path.Combine(Root, "state");
    public string Store => Path.Combine(Root, "store");
    public int Gateway(int silo) => _ports[3 * silo + 2];
    public string? AzureConnection { get; }
    public bool StateOnAzure { get; }
    public string? Postgres { get; }
    /// <summary>No membership primary: any silo may be killed.</summary>
    public bool HasNoPrimary => AzureConnection is not null || Postgres is not null;
    public string[] Target => Postgres is not null
        ? ["--cluster", $"postgres:{Postgres}", "--cluster-id", ClusterId]
        : AzureConnection is null
            ? ["--cluster", $"localhost:{string.Join(",", Enumerable.Range(0, _silos.Length).Select(Gateway))}", "--cluster-id", ClusterId]
            : ["--cluster", $"azure:{AzureConnection}", "--cluster-id", ClusterId];
    public bool IsAlive(int silo) => _silos[silo] is not null;
    /// <summary>Started and not killed by the test, but its process has ended (it crashed or stopped itself).</summary>
    public bool HasDied(int silo) => _silos[silo] is { HasExited: true };

    public async Task StartAllAsync()
    {
        await StartAsync(0);
        await Task.WhenAll(Enumerable.Range(1, Workers).Select(s => StartAsync(s)));
    }

    /// <param name="extra">More silo arguments, e.g. fault injection (--FaultInjection:KillAtCommit=BeforeCommit).</param>
    public async Task StartAsync(int silo, params string[] extra)
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
        if (Postgres is not null)
        {
            args.AddRange(["--clustering", "Postgres", "--state-store", "Postgres"]);
            environment["Cluster__PostgresConnectionString"] = Postgres;
        }
        args.AddRange(extra);
        _silos[silo] = await SiloProcess.StartAsync(args, http, environment);
    }

    /// <summary>kill -9: no shutdown, no lease hand-back, whatever it was writing is left as it was.</summary>
    public void Kill(int silo)
    {
        _silos[silo]?.Dispose();
        _silos[silo] = null;
    }

    /// <summary>Forgets a silo that ended on its own (fault injection killed it), so it can be started again.</summary>
    public void Forget(int silo) => Kill(silo);

    public Task<ClusterConnection> ConnectAsync() => ClusterConnection.ConnectAsync(Postgres is not null
        ? new ClusterConnectionOptions { ClusterId = ClusterId, Clustering = ClusteringMode.Postgres, PostgresConnectionString = Postgres }
        : AzureConnection is null
            ? new ClusterConnectionOptions
            {
                ClusterId = ClusterId,
                GatewayPorts = Enumerable.Range(0, _silos.Length).Where(IsAlive).Select(Gateway).ToArray(),
            }
            : new ClusterConnectionOptions { ClusterId = ClusterId, Clustering = ClusteringMode.Azure, AzureStorageConnectionString = AzureConnection });

    /// <summary>Every record of the sweep, each parsed (a torn or unreadable record throws), from wherever the silos keep them.</summary>
    public async Task<List<TrialRecord>> RecordsAsync(string sweepId)
    {
        if (StateOnAzure)
        {
            var blobs = new BlobRecordStore(new BlobContainerClient(AzureConnection, new StateStoreOptions().RecordsContainer));
            var list = new List<TrialRecord>();
            await foreach (var r in blobs.ReadAllAsync(sweepId)) list.Add(r);
            return list;
        }
        if (Postgres is null) return await StateFolderRecords.ListAsync(State, sweepId);
        await using var lease = StateDatabases.Postgres(Postgres);
        var records = new List<TrialRecord>();
        await foreach (var r in new DatabaseRecordStore(lease.Database).ReadAllAsync(sweepId)) records.Add(r);
        return records;
    }

    /// <summary>The sweep's records now (cheap: a count, for polling); database setups only.</summary>
    public int RecordCount(string sweepId) => Postgres is null
        ? StateFolderRecords.Count(State, sweepId)
        : (int)PostgresScalar("SELECT COUNT(*) FROM trial_records WHERE sweep_id = @sweep", sweepId);

    /// <summary>
    /// Times a record of the sweep was written again after its first write (the revision column). Each accepted commit
    /// writes its trial's record once, so a trial committed twice shows here even though a read returns one record.
    /// </summary>
    public int RecordRewrites(string sweepId) => Postgres is null
        ? StateFolderRecords.Rewrites(State, sweepId)
        : (int)PostgresScalar("SELECT COALESCE(SUM(revision - 1), 0) FROM trial_records WHERE sweep_id = @sweep", sweepId);

    /// <summary>
    /// Trials of the sweep whose record and state disagree, read in one statement (one snapshot): a record without a
    /// finished (succeeded or failed) trial state, or a finished trial state without a record. Always 0 when each
    /// record commits with its trial's state transition.
    /// </summary>
    public int TrialsWhoseStateAndRecordDisagree(string sweepId)
    {
        var status = Postgres is null ? "json_extract(g.payload, '$.status')" : "(g.payload::json ->> 'status')";
        var trialOf = Postgres is null ? "'trial/' || r.trial_id" : "'trial/' || r.trial_id";
        var sql =
            $"SELECT (SELECT COUNT(*) FROM trial_records r WHERE r.sweep_id = @sweep AND NOT EXISTS (SELECT 1 FROM grain_state g " +
            $"WHERE g.state_name = 'trial' AND g.grain_id = {trialOf} AND {status} IN ('succeeded', 'failed'))) + " +
            $"(SELECT COUNT(*) FROM grain_state g WHERE g.state_name = 'trial' AND {status} IN ('succeeded', 'failed') " +
            $"AND g.payload LIKE '%' || @sweep || '%' AND NOT EXISTS (SELECT 1 FROM trial_records r WHERE r.sweep_id = @sweep AND {trialOf} = g.grain_id))";
        return (int)(Postgres is null ? StateFolderRecords.Query(State, sql, sweepId) : PostgresScalar(sql, sweepId));
    }

    private long PostgresScalar(string sql, string sweepId)
    {
        using var connection = new NpgsqlConnection(Postgres);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("sweep", sweepId);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
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
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await ConnectAsync();
                while (true)
                {
                    var status = await connection.Sweeps.GetStatusAsync(sweepId);
                    if (status.IsDone) return status;
                    if (clock.Elapsed > limit) throw new TimeoutException($"sweep {sweepId} did not finish within {limit.TotalSeconds} s");
                    await Task.Delay(250);
                }
            }
            catch (Exception e) when (e is not (SweepNotFoundException or TimeoutException) && clock.Elapsed < limit)
            {
                // A grain moving off a killed silo, or the gateway the client used went away: ask again.
                await Task.Delay(250);
            }
        }
    }

    public string Output(int silo) => _silos[silo]?.Output ?? "";

    public ValueTask DisposeAsync()
    {
        for (var i = _silos.Length - 1; i >= 0; i--) Kill(i);
        return ValueTask.CompletedTask;
    }
}
