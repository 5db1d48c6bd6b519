using System.Net;
using System.Net.NetworkInformation;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Records;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Reliability;

/// <summary>What a silo exposes by default, and where secrets and user-chosen names may (not) go.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SecurityDefaultsTests
{
    private const string Secret = "Zm9vYmFyU0VDUkVUa2V5MTIzNDU2Nzg5MA==";
    private static readonly string ConnectionString =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Secret};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [Fact]
    public async Task Silo_DefaultConfiguration_BindsSiloGatewayHealthAndMetricsToLoopbackOnly()
    {
        using var temp = new TempDirectory("aftsweep-sec-");
        var ports = FreePorts.Take(3);
        await using var silo = await InProcessSilo.StartAsync(temp.Sub("silo"),
            "--http-port", $"{ports[0]}", "--silo-port", $"{ports[1]}", "--primary-silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
            "--cluster-id", $"sec-{Guid.NewGuid():N}"[..12], "--state", temp.Sub("state"), "--Workers:Devices=");

        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(e => ports.Contains(e.Port)).ToList();

        Assert.Equal(ports.Order(), listeners.Select(e => e.Port).Distinct().Order());
        Assert.All(listeners, e => Assert.True(IPAddress.IsLoopback(e.Address), $"{e} is not loopback"));
        using var http = new HttpClient();
        Assert.Equal("\"ok\"", await http.GetStringAsync($"http://127.0.0.1:{ports[0]}/healthz"));
        Assert.Contains("# TYPE", await http.GetStringAsync($"http://127.0.0.1:{ports[0]}/metrics"));
        Assert.Equal(IPAddress.Loopback.ToString(), new ClusterConnectionOptions().Address);
    }

    [Fact]
    public async Task ClusterVerb_AzureConnectionStringThatFails_NeverPrintsTheKeyEvenVerbose()
    {
        // --verbose prints the whole exception chain (the Azure SDK's included): the most a failure can say.
        var run = await CliRun.InvokeAsync("status", "0123456789abcdef0123456789abcdef", "--cluster", $"azure:{ConnectionString}", "--verbose");

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(run.Error));
        Assert.DoesNotContain(Secret, run.Out + run.Error);
        Assert.DoesNotContain(Secret[..12], run.Out + run.Error);
    }

    /// <summary>A PostgreSQL connection string to a port nothing listens on, with a password that must never be shown.</summary>
    private static string DeadPostgres() => $"Host=127.0.0.1;Port={FreePorts.Take(1)[0]};Username=aftsweep;Password={Secret};Database=aftsweep;Timeout=3";

    [Fact]
    public async Task ClusterVerb_PostgresThatFails_NeverPrintsThePasswordEvenVerbose()
    {
        var run = await CliRun.InvokeAsync("status", "0123456789abcdef0123456789abcdef", "--cluster", $"postgres:{DeadPostgres()}", "--verbose");
        var init = await CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{DeadPostgres()}", "--verbose");

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        Assert.NotEqual(ExitCodes.Ok, init.ExitCode);
        Assert.DoesNotContain(Secret, run.Out + run.Error + init.Out + init.Error);
        Assert.DoesNotContain(Secret[..12], run.Out + run.Error + init.Out + init.Error);
    }

    [Fact]
    public async Task Silo_PostgresThatIsDown_ErrorsWithoutThePassword()
    {
        using var temp = new TempDirectory("aftsweep-sec-");
        var ports = FreePorts.Take(3);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => InProcessSilo.StartAsync(temp.Sub("silo"),
            "--http-port", $"{ports[0]}", "--silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
            "--cluster-id", $"sec-{Guid.NewGuid():N}"[..12], "--clustering", "Postgres", "--state-store", "Postgres",
            $"--Cluster:PostgresConnectionString={DeadPostgres()}", "--Workers:Devices=").WaitAsync(limit.Token));

        Assert.DoesNotContain(Secret, failure.ToString());
    }

    [Fact]
    public async Task Silo_AzureStoreThatIsDown_LogsAndErrorsWithoutTheKey()
    {
        using var temp = new TempDirectory("aftsweep-sec-");
        var ports = FreePorts.Take(3);
        Exception? failure = null;
        InProcessSilo? silo = null;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            silo = await InProcessSilo.StartAsync(temp.Sub("silo"),
                "--http-port", $"{ports[0]}", "--silo-port", $"{ports[1]}", "--primary-silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
                "--cluster-id", $"sec-{Guid.NewGuid():N}"[..12], "--state-store", "Azure", $"--Cluster:AzureStorageConnectionString={ConnectionString}", "--Workers:Devices=")
                .WaitAsync(limit.Token);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            if (silo is not null) await silo.DisposeAsync();
        }

        // Whether or not the silo got up, nothing it said carries the key.
        if (failure is not null) Assert.DoesNotContain(Secret, failure.ToString());
        if (silo is not null) Assert.DoesNotContain(Secret, silo.Logs.Text);
    }

    [Theory]
    [InlineData("../../etc", "passwd")]
    [InlineData("0123456789abcdef0123456789abcdef", "../../../x")]
    [InlineData("0123456789abcdef0123456789abcdef", "a?b#c")]
    public async Task RecordStore_NamesThatAreNotHashes_AreRefusedBeforeAnyPathOrKeyIsBuilt(string sweepId, string trialId)
    {
        using var temp = new TempDirectory("aftsweep-sec-");
        await using var database = AftSweep.Infra.Database.StateDatabases.Sqlite(temp.Sub("state"), flushToDisk: false);
        var store = new AftSweep.Infra.Database.DatabaseRecordStore(database.Database);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReadAsync(sweepId, trialId));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(sweepId, trialId));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "etc")));
    }
}
