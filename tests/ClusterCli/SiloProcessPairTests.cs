using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Observability;

namespace AftSweep.Tests.ClusterCli;

/// <summary>
/// The CLI against two separate `aftsweep-silo` processes (the real silo host, real trial engine, shared state folder),
/// reached only through their gateways: what a user of a deployed localhost cluster does.
/// </summary>
public sealed class SiloProcessPairTests
{
    [Fact]
    public async Task SiloProcessPair_SubmitWaitListTrialsResults_AllThroughTheGateways()
    {
        using var temp = new TempDirectory();
        var ports = FreePorts.Take(6);
        var clusterId = $"cli-pair-{Guid.NewGuid():N}";
        string[] Args(int http, int silo, int gateway) =>
        [
            "--http-port", $"{http}", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}", "--primary-silo-port", $"{ports[1]}",
            "--cluster-id", clusterId, "--state", temp.Sub("state"), "--address", "127.0.0.1", "--devices", "cpu", "--slots-per-device", "1",
        ];
        using var primary = await SiloProcess.StartAsync(Args(ports[0], ports[1], ports[2]), ports[0]);
        using var secondary = await SiloProcess.StartAsync(Args(ports[3], ports[4], ports[5]), ports[3]);
        string[] target = ["--cluster", $"localhost:{ports[2]},{ports[5]}", "--cluster-id", clusterId];
        var grid = TinyGrids.Write(temp.Path, "cli-pair",
            teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0, 1], steps: 5);

        var submit = await CliRun.InvokeAsync(["submit", grid, "--wait", .. target]);
        Assert.True(submit.ExitCode == 0, $"{submit}\n--- silo 0\n{primary.Output}\n--- silo 1\n{secondary.Output}");
        var id = submit.Out.Trim();

        var list = await CliRun.InvokeAsync(["status", "--json", .. target]);
        Assert.True(list.ExitCode == 0, list.ToString());
        var sweep = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal(id, sweep.GetProperty("sweepId").GetString());
        Assert.Equal("cli-pair", sweep.GetProperty("name").GetString());
        Assert.Equal("completed", sweep.GetProperty("stage").GetString());
        Assert.Equal(2, sweep.GetProperty("done").GetInt32());

        var trials = await CliRun.InvokeAsync(["trials", id, "--json", .. target]);
        Assert.True(trials.ExitCode == 0, trials.ToString());
        Assert.All(JsonDocument.Parse(trials.Out).RootElement.EnumerateArray(), t =>
        {
            Assert.Equal("succeeded", t.GetProperty("state").GetString());
            Assert.EndsWith("/cpu#0", t.GetProperty("worker").GetString()!); // one slot per silo process
        });

        var results = await CliRun.InvokeAsync(["results", id, "--format", "csv", .. target]);
        Assert.True(results.ExitCode == 0, results.ToString());
        Assert.Contains(",stl,", results.Out);
    }
}
