using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Cluster;
using AftSweep.Grains.Options;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Transfer.Training;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.ClusterCli;

/// <summary>The sweep registry behind `aftsweep status` without an id: persisted, so a restarted cluster still lists its sweeps.</summary>
public sealed class SweepRegistryTests
{
    [Fact]
    public async Task Registry_ClusterRestartedOnSameState_StillListsSweepsNewestFirst()
    {
        using var state = new TempFolder();
        var executor = new ControlledExecutor();
        var grids = Path.Combine(state.Path, "grids");
        string first, second;
        await using (var cluster = await StartAsync(state.Path, executor))
        {
            first = await SubmitAsync(cluster, CliGrids.Write(grids, "registry-a", steps: 3));
            second = await SubmitAsync(cluster, CliGrids.Write(grids, "registry-b", steps: 4));
            // Resubmitting keeps the first submission time, so the order does not change.
            Assert.Equal(first, await SubmitAsync(cluster, CliGrids.Write(grids, "registry-a", steps: 3)));
        }

        await using var restarted = await StartAsync(state.Path, executor);
        var listed = await restarted.Sweeps.ListAsync();
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(["status", "--json", "--cluster", $"localhost:{string.Join(',', restarted.GatewayPorts)}", "--cluster-id", restarted.ClusterId], output);

        Assert.Equal([second, first], listed.Select(s => s.Registration.SweepId));
        Assert.Equal(["cli-registry-b", "cli-registry-a"], listed.Select(s => s.Registration.Name));
        Assert.All(listed, s => Assert.Equal(SweepPhase.Completed, s.Status.Phase));
        Assert.True(code == 0, output.Error.ToString());
        var json = JsonDocument.Parse(output.Out.ToString()!).RootElement;
        Assert.Equal([second, first], json.EnumerateArray().Select(s => s.GetProperty("sweepId").GetString()));
    }

    [Fact]
    public async Task Registry_NoSweeps_StatusSaysSoAndExits0()
    {
        using var state = new TempFolder();
        await using var cluster = await StartAsync(state.Path, new ControlledExecutor());
        var output = new CliOutput(new StringWriter(), new StringWriter());

        var code = await AftSweepApp.RunAsync(["status", "--cluster", $"localhost:{cluster.GatewayPorts[0]}", "--cluster-id", cluster.ClusterId], output);

        Assert.True(code == 0, output.Error.ToString());
        Assert.Contains("no sweeps have been submitted to this cluster", output.Out.ToString());
    }

    private static Task<LocalCluster> StartAsync(string folder, ControlledExecutor executor) => LocalCluster.StartAsync(new LocalClusterOptions
    {
        Silos = 1,
        StateFolder = Path.Combine(folder, "state"),
        Workers = new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = 2 },
        Scheduling = TestClusters.FastScheduling(),
        ConfigureServices = (_, services) => services.AddSingleton<ITrialExecutor>(executor),
    });

    /// <summary>`aftsweep submit GRID --wait` against the cluster; returns the sweep id it printed.</summary>
    private static async Task<string> SubmitAsync(LocalCluster cluster, string grid)
    {
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(["submit", grid, "--wait", "--cluster", $"localhost:{cluster.GatewayPorts[0]}", "--cluster-id", cluster.ClusterId], output);
        Assert.True(code == 0, output.Error.ToString());
        return output.Out.ToString()!.Trim();
    }
}
