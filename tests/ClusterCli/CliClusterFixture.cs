using AftSweep.Client.Cluster;
using AftSweep.Client.Commands;
using AftSweep.Grains.Options;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.ClusterCli;

/// <summary>One real in-process silo (2 slots, short leases) that every test's CLI invocations connect to through its gateway.</summary>
public sealed class CliClusterFixture : IAsyncLifetime
{
    private readonly TempFolder _state = new();

    public ControlledExecutor Executor { get; } = new();
    public LocalCluster Cluster { get; private set; } = null!;
    public string GridFolder => Path.Combine(_state.Path, "grids");

    /// <summary>The arguments that point a verb at this cluster.</summary>
    public string[] Target => ["--cluster", $"localhost:{Cluster.GatewayPorts[0]}", "--cluster-id", Cluster.ClusterId];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(GridFolder);
        Cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            StateFolder = Path.Combine(_state.Path, "state"),
            Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 2 },
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

    /// <summary>
    /// A real grid on the tiny text dataset: stl and kd (lambdas 1 and 10) with one noise teacher, 2 final seeds and 1
    /// selection seed: 2 selection + 4 final = 6 trials. The dataset name scripts the executor. Trials are content
    /// addressed and shared between sweeps with the same inputs, so each dataset name gets its own step count.
    /// </summary>
    public string WriteGrid(string dataset)
    {
        var steps = _steps.GetOrAdd(dataset, _ => 3 + _steps.Count);
        var data = Path.Combine(AppContext.BaseDirectory, "Grids", "data", "tiny").Replace('\\', '/');
        var path = Path.Combine(GridFolder, $"{dataset}.json");
        File.WriteAllText(path, $$"""
            {
              "name": "cli-{{dataset}}",
              "dataset": { "name": "{{dataset}}", "kind": "text", "format": "tsv", "train": "{{data}}/train.tsv", "test": "{{data}}/test.tsv", "text": ["sentence"], "label": "label" },
              "downstream": { "model": "text-transformer" },
              "teachers": { "noise": "noise:8" },
              "combos": [["noise"]],
              "methods": { "stl": {}, "kd": { "lambdas": [1, 10] } },
              "seeds": [0, 1],
              "training": { "steps": {{steps}}, "batchSize": 2, "device": "cpu" },
              "selection": { "seeds": [0] }
            }
            """);
        return path;
    }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(args, output);
        return (code, output.Out.ToString()!, output.Error.ToString()!);
    }

    /// <summary>A verb against this cluster: the verb's arguments, then --cluster and --cluster-id.</summary>
    public Task<(int Code, string Out, string Err)> RunOnClusterAsync(params string[] args) => RunAsync([.. args, .. Target]);
}
