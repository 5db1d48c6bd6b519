using AftSweep.Client.Cluster;
using AftSweep.Client.Commands;
using AftSweep.Grains.Options;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.ClusterCli;

/// <summary>
/// A real two-silo cluster in this process (2 slots each, short leases, file grain state and records on disk) that
/// every test's CLI invocations connect to through both gateways, as a client of a deployed cluster would.
/// </summary>
public sealed class CliClusterFixture : IAsyncLifetime
{
    public const int SiloCount = 2;
    public const int SlotsPerSilo = 2;

    private readonly TempFolder _state = new();

    public ControlledExecutor Executor { get; } = new();
    public LocalCluster Cluster { get; private set; } = null!;
    public string GridFolder => Path.Combine(_state.Path, "grids");

    /// <summary>The arguments that point a verb at this cluster.</summary>
    public string[] Target => ["--cluster", $"localhost:{string.Join(',', Cluster.GatewayPorts)}", "--cluster-id", Cluster.ClusterId];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(GridFolder);
        Cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = SiloCount,
            StateFolder = Path.Combine(_state.Path, "state"),
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = SlotsPerSilo },
            Scheduling = TestClusters.FastScheduling(maxAttempts: 2),
            ConfigureServices = (_, services) => services.AddSingleton<ITrialExecutor>(Executor),
        });
    }

    public async Task DisposeAsync()
    {
        Executor.ReleaseBlocked();
        await Cluster.DisposeAsync();
        _state.Dispose();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _steps = new();

    /// <summary>A grid whose dataset name scripts the executor (see <see cref="CliGrids.Write"/>); each name gets its own step count.</summary>
    public string WriteGrid(string dataset) => CliGrids.Write(GridFolder, dataset, _steps.GetOrAdd(dataset, _ => 3 + _steps.Count));

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(args, output);
        return (code, output.Out.ToString()!, output.Error.ToString()!);
    }

    /// <summary>A verb against this cluster: the verb's arguments, then --cluster and --cluster-id.</summary>
    public Task<(int Code, string Out, string Err)> RunOnClusterAsync(params string[] args) => RunAsync([.. args, .. Target]);
}
