using AftSweep.Client.Cluster;
using AftSweep.Client.Staging;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Staging;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Storage;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Workers.Staging;

namespace AftSweep.Tests.Staging;

/// <summary>
/// `submit`'s staging against a real (in-process) silo: files go into the silo's store through the staging grain,
/// the plan names staged files with unchanged trial ids, and a silo's <see cref="StagedInputs"/> turns them back into
/// byte-identical local copies, refusing a copy whose bytes do not match.
/// </summary>
public sealed class StagingRoundTripTests
{
    [Fact]
    public async Task Stage_ThenMaterialize_GivesByteIdenticalCopies_IdsUnchanged_AndASecondStageUploadsNothing()
    {
        using var temp = new TempDirectory();
        var (grid, checkpoint, config) = WriteClientFolder(temp.Sub("client"));
        var plan = GridPlanner.Plan(GridParser.ParseFile(grid).Spec!);
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { StateFolder = temp.Sub("state") });
        var notes = new List<string>();
        var stager = new InputStager(cluster.Client, new ClusterCallResilience(), notes.Add);

        var staged = await stager.StageAsync(plan, CancellationToken.None);
        var again = await stager.StageAsync(plan, CancellationToken.None);

        Assert.Equal(2, notes.Count); // the dataset and the checkpoint, once each: the second stage found both manifests
        Assert.Equal(plan.SweepId, staged.SweepId);
        Assert.Equal(plan.Cells.SelectMany(c => c.SelectionTrials).Select(t => t.Id), staged.Cells.SelectMany(c => c.SelectionTrials).Select(t => t.Id));
        Assert.Equal(again.Cells.SelectMany(c => c.SelectionTrials).Select(t => System.Text.Json.JsonSerializer.Serialize(t)),
            staged.Cells.SelectMany(c => c.SelectionTrials).Select(t => System.Text.Json.JsonSerializer.Serialize(t)));
        var trial = staged.Cells.SelectMany(c => c.SelectionTrials).First();
        Assert.Equal(TrialIds.Of(trial), trial.Id);
        Assert.All(trial.Dataset.Train.AllPaths().Concat(trial.Dataset.Test.AllPaths()), p => Assert.StartsWith("staged:datasets/", p));
        Assert.StartsWith("staged:checkpoints/", trial.Downstream.Init);
        Assert.StartsWith("staged:checkpoints/", trial.Downstream.ConfigFile);
        Assert.Equal("", staged.Grid.BaseDirectory);

        var inputs = new StagedInputs(new LocalFolderBlobStore(temp.Sub("state/store")), temp.Sub("silo-cache"));
        var dataset = inputs.Materialize(trial.Dataset, trial.SplitSeed);
        var downstream = inputs.Materialize(trial.Downstream);

        Assert.Equal(File.ReadAllBytes(plan.Grid.Dataset.Train.Files[0]), File.ReadAllBytes(dataset.Train.Files[0]));
        Assert.Equal(File.ReadAllBytes(plan.Grid.Dataset.Test.Files[0]), File.ReadAllBytes(dataset.Test.Files[0]));
        Assert.Equal(plan.DatasetFingerprint, DatasetFingerprint.Compute(dataset, trial.SplitSeed));
        Assert.Equal(File.ReadAllBytes(checkpoint), File.ReadAllBytes(downstream.Init!));
        Assert.Equal("mlp.bin", Path.GetFileName(downstream.Init));
        Assert.Equal(File.ReadAllText(config), File.ReadAllText(downstream.ConfigFile!));
        Assert.Equal(trial.Downstream.InitFingerprint, CheckpointFiles.Of(downstream).Fingerprint());
        Assert.StartsWith(temp.Sub("silo-cache"), dataset.Train.Files[0]);
    }

    [Fact]
    public async Task Materialize_APartChangedInTheStore_FailsNamingTheFileAndLeavesNoCopy()
    {
        using var temp = new TempDirectory();
        var (grid, _, _) = WriteClientFolder(temp.Sub("client"));
        var plan = GridPlanner.Plan(GridParser.ParseFile(grid).Spec!);
        await using (var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { StateFolder = temp.Sub("state") }))
            plan = await new InputStager(cluster.Client, new ClusterCallResilience(), _ => { }).StageAsync(plan, CancellationToken.None);
        var part = Path.Combine(temp.Sub("state/store"), StagedBlobs.Part(StagedPath.Datasets, plan.DatasetFingerprint, 0, 0));
        var bytes = File.ReadAllBytes(part);
        bytes[10] ^= 0x20;
        File.WriteAllBytes(part, bytes);
        var trial = plan.Cells.SelectMany(c => c.SelectionTrials).First();

        var inputs = new StagedInputs(new LocalFolderBlobStore(temp.Sub("state/store")), temp.Sub("silo-cache"));
        var e = Assert.Throws<InvalidDataException>(() => inputs.Materialize(trial.Dataset, trial.SplitSeed));

        Assert.Contains("file 'train.files[0000]'", e.Message);
        Assert.Contains("expected", e.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Sub("silo-cache"), StagedPath.Datasets, plan.DatasetFingerprint)));
    }

    [Fact]
    public void StagedPath_NotAStagedReference_IsRefused()
    {
        Assert.Throws<InvalidDataException>(() => StagedPath.Parse("staged:elsewhere/abc/role"));
        Assert.Throws<InvalidDataException>(() => StagedPath.Parse("staged:datasets/NOTHEX/role"));
        var (kind, fingerprint, role) = StagedPath.Parse(StagedPath.Of(StagedPath.Datasets, new string('a', 64), "train.files[0000]"));
        Assert.Equal((StagedPath.Datasets, new string('a', 64), "train.files[0000]"), (kind, fingerprint, role));
    }

    /// <summary>A client folder with the digits data, an mlp checkpoint and a config.json beside it, and the grid.</summary>
    private static (string Grid, string Checkpoint, string Config) WriteClientFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TinyGrids.DigitsFolder, "digits-train.csv"), Path.Combine(folder, "train.csv"));
        File.Copy(Path.Combine(TinyGrids.DigitsFolder, "digits-test.csv"), Path.Combine(folder, "test.csv"));
        var checkpoint = Path.Combine(folder, "mlp.bin");
        File.WriteAllBytes(checkpoint, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray()); // staging reads bytes, never weights
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, "{}");
        var grid = TinyGrids.Write(folder, "staging", teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["kd"] = new { lambdas = new[] { 1.0 } } }, seeds: [0],
            trainFile: Path.Combine(folder, "train.csv"), testFile: Path.Combine(folder, "test.csv"), init: checkpoint);
        return (grid, checkpoint, config);
    }
}
