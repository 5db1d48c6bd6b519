using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Staging;
using AftSweep.Infra.Orleans;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Observability;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;

namespace AftSweep.Tests.ClusterCli;

/// <summary>
/// The CLI against two separate `aftsweep-silo` processes (the real silo host, real trial engine), reached only
/// through their gateways: what a user of a deployed cluster does. The client's dataset folder and student checkpoint
/// are deleted right after `submit`: the silos run the sweep from what `submit` staged into their store.
/// </summary>
public sealed class SiloProcessPairTests
{
    [Fact]
    public async Task SiloProcessPair_ClientFolderGoneAfterSubmit_SweepRunsFromStagedDatasetAndCheckpoint()
    {
        using var temp = new TempDirectory();
        var ports = FreePorts.Take(6);
        var clusterId = $"cli-pair-{Guid.NewGuid():N}";
        string[] Args(int silo, int http, int port, int gateway) =>
        [
            "--http-port", $"{http}", "--silo-port", $"{port}", "--gateway-port", $"{gateway}", "--primary-silo-port", $"{ports[1]}",
            "--cluster-id", clusterId, "--state", temp.Sub("state"), "--address", "127.0.0.1", "--devices", "cpu", "--slots-per-device", "1",
            "--store", temp.Sub("store"), $"--Engine:StagedCache={temp.Sub($"staged-silo{silo}")}",
        ];
        using var primary = await SiloProcess.StartAsync(Args(0, ports[0], ports[1], ports[2]), ports[0]);
        using var secondary = await SiloProcess.StartAsync(Args(1, ports[3], ports[4], ports[5]), ports[3]);
        string[] target = ["--cluster", $"localhost:{ports[2]},{ports[5]}", "--cluster-id", clusterId];

        // The client's own folder: the data, a student checkpoint with a side file, and the grid naming them.
        var client = Directory.CreateDirectory(temp.Sub("client")).FullName;
        var data = Directory.CreateDirectory(Path.Combine(client, "data")).FullName;
        File.Copy(Path.Combine(TinyGrids.DigitsFolder, "digits-train.csv"), Path.Combine(data, "train.csv"));
        File.Copy(Path.Combine(TinyGrids.DigitsFolder, "digits-test.csv"), Path.Combine(data, "test.csv"));
        var student = Directory.CreateDirectory(Path.Combine(client, "student")).FullName;
        using (var model = StudentFactory.Create(new Contracts.Grid.DownstreamSpec { Model = "mlp" }, InputShape.Vector(64), 10, TorchSharp.torch.CPU, 7).Model)
            model.save(Path.Combine(student, "mlp.bin"));
        File.WriteAllText(Path.Combine(student, "config.json"), "{}");
        var grid = TinyGrids.Write(client, "cli-pair",
            teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0, 1], steps: 5,
            trainFile: Path.Combine(data, "train.csv"), testFile: Path.Combine(data, "test.csv"), init: Path.Combine(student, "mlp.bin"));

        var submit = await CliRun.InvokeAsync(["submit", grid, .. target]);
        Assert.True(submit.ExitCode == 0, $"{submit}\n--- silo 0\n{primary.Output}\n--- silo 1\n{secondary.Output}");
        Assert.Contains("staging dataset 'sklearn-digits' into the cluster's store: 2 files", submit.Error);
        Assert.Contains("staging downstream.init into the cluster's store: 2 files", submit.Error);
        var id = submit.Out.Trim();
        Directory.Delete(client, recursive: true); // from here on no silo could read a client path

        var watch = await CliRun.InvokeAsync(["status", id, "--watch", "--interval", "0.5", .. target]);
        Assert.True(watch.ExitCode == 0, $"{watch}\n--- silo 0\n{primary.Output}\n--- silo 1\n{secondary.Output}");

        var list = await CliRun.InvokeAsync(["status", "--json", .. target]);
        var sweep = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal((id, "cli-pair", "completed", 2), (sweep.GetProperty("sweepId").GetString(), sweep.GetProperty("name").GetString(),
            sweep.GetProperty("stage").GetString(), sweep.GetProperty("done").GetInt32()));
        var trials = await CliRun.InvokeAsync(["trials", id, "--json", .. target]);
        Assert.All(JsonDocument.Parse(trials.Out).RootElement.EnumerateArray(), t =>
        {
            Assert.Equal("succeeded", t.GetProperty("state").GetString());
            Assert.EndsWith("/cpu#0", t.GetProperty("worker").GetString()!); // one slot per silo process
        });
        var results = await CliRun.InvokeAsync(["results", id, "--format", "csv", .. target]);
        Assert.True(results.ExitCode == 0, results.ToString());
        Assert.Contains(",stl,", results.Out);

        // No client path reached a silo: the specs they ran name staged files, and their logs never name the client folder.
        await using var connection = await ClusterConnection.ConnectAsync(new ClusterConnectionOptions { ClusterId = clusterId, GatewayPorts = [ports[2], ports[5]] });
        var records = await connection.Sweeps.GetRecordsAsync(id);
        Assert.Equal(2, records.Count);
        Assert.All(records, r =>
        {
            Assert.All(r.Spec.Dataset.Train.AllPaths().Concat(r.Spec.Dataset.Test.AllPaths()), p => Assert.StartsWith(StagedPath.Scheme + "datasets/", p));
            Assert.StartsWith(StagedPath.Scheme + "checkpoints/", r.Spec.Downstream.Init);
        });
        Assert.DoesNotContain(client, primary.Output + secondary.Output);
        Assert.True(File.Exists(Path.Combine(temp.Sub("store"), StagedBlobs.Manifest(StagedPath.Datasets, records[0].Spec.DatasetFingerprint))));
        // The silos that ran trials hold verified local copies of the staged files.
        var copies = new[] { "staged-silo0", "staged-silo1" }.Select(temp.Sub)
            .Where(c => File.Exists(Path.Combine(c, StagedPath.Datasets, records[0].Spec.DatasetFingerprint, "manifest.json"))).ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.True(Directory.EnumerateFiles(Path.Combine(c, StagedPath.Checkpoints), "mlp.bin", SearchOption.AllDirectories).Any()));
    }
}
