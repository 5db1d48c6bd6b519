using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Grid;

public sealed partial class GridPlannerTests
{
    private static string TinyPath => Path.Combine(TestPaths.Grids, "good", "tiny-text.json");

    private static GridSpec Parse(string json, string baseDirectory)
    {
        var result = GridParser.Parse(json, baseDirectory);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Spec;
    }

    private static GridSpec Tiny() => Parse(File.ReadAllText(TinyPath), Path.GetDirectoryName(TinyPath)!);

    /// <summary>Every trial id of a plan: stage 1, and stage 2 for each seed (with lambda 1 where one is needed).</summary>
    private static List<string> AllIds(SweepPlan plan) =>
        plan.Cells.SelectMany(c => c.SelectionTrials.Select(t => t.Id)
            .Concat(c.FinalSeeds.Select(s => SweepLedger.FinalTrial(c, c.NeedsSelection ? 1 : null, s).Id))).ToList();

    public static TheoryData<string> Examples => new(TestPaths.ExampleGrids.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Plan_Example_CountsFollowGridMdRules(string file)
    {
        var grid = GridParser.ParseFile(Path.Combine(TestPaths.Examples, file)).Spec!;

        var plan = GridPlanner.Plan(grid);

        // grid.md: stage 1 = regularised methods x lambdas x combos x selection seeds;
        // stage 2 = teacher-using methods x combos x seeds, plus stl/scratch x seeds.
        long selection = 0, final = 0;
        foreach (var m in grid.Methods)
        {
            var combos = m.Info.UsesTeachers ? grid.Combos.Count : 1;
            if (m.Info.IsRegularised) selection += m.Lambdas.Count * combos * grid.Selection.Seeds.Count;
            final += combos * grid.Seeds.Count;
        }
        Assert.Equal(selection, plan.SelectionTrialCount);
        Assert.Equal(final, plan.FinalTrialCount);
        var size = GridSize.Of(grid);
        Assert.Equal(size.TotalTrials, plan.TotalTrialCount);
        Assert.Equal(size.Cells, plan.Cells.Count);
    }

    [Fact]
    public void Plan_Quickstart_Has26TrialsInFourCellsInFileOrder()
    {
        var plan = GridPlanner.Plan(GridParser.ParseFile(Path.Combine(TestPaths.Examples, "quickstart.json")).Spec!);

        Assert.Equal(6, plan.SelectionTrialCount);
        Assert.Equal(20, plan.FinalTrialCount);
        Assert.Equal(
            ["stl|", "linear-probe|minilm+arctic", "kd|minilm+arctic", "aft|minilm+arctic"],
            plan.Cells.Select(c => c.Key));
    }

    [Fact]
    public void Plan_Tiny_ExpandsStageOneAndResolvesTraining()
    {
        var plan = GridPlanner.Plan(Tiny());

        var stl = Assert.Single(plan.Cells, c => c.Method == MethodId.Stl);
        Assert.Empty(stl.Combo);
        Assert.Empty(stl.SelectionTrials);
        Assert.Equal([0, 1, 2], stl.FinalSeeds);

        var kd = Assert.Single(plan.Cells, c => c.Key == "kd|minilm+noise");
        Assert.Equal(["minilm", "noise"], kd.Combo.Select(t => t.Name));
        Assert.Equal([(1.0, 0), (1.0, 1), (10.0, 0), (10.0, 1)], kd.SelectionTrials.Select(t => (t.Lambda!.Value, t.Seed)));
        Assert.All(kd.SelectionTrials, t => Assert.Equal(TrialStage.Selection, t.Stage));
        var training = kd.SelectionTrials[0].Training;
        Assert.Equal(10, training.Steps);
        Assert.Equal(4, training.BatchSize);
        Assert.Equal(0.0005, training.Lr);
        Assert.Equal(0.0005, training.PriorLr); // kd's regulariser trains at the model lr
        Assert.Equal("cpu", training.Device);

        var aft = Assert.Single(plan.Cells, c => c.Key == "aft|feats");
        Assert.Equal(6, aft.SelectionTrials.Count);
        Assert.Equal(0.001, aft.SelectionTrials[0].Training.Lr);
        Assert.Equal(0.01, aft.SelectionTrials[0].Training.PriorLr);
        Assert.NotNull(aft.Combo[0].Fingerprint);
        Assert.Equal(0.1, aft.SelectionTrials[0].HoldoutFraction);
        Assert.Equal(42, aft.SelectionTrials[0].SplitSeed);

        // 3 + 3 (stl, scratch) + 3 combos x (3 linear-probe + 2x2+3 kd + 3x2+3 aft)
        Assert.Equal(3 * (4 + 6), plan.SelectionTrialCount);
        Assert.Equal(6 + 3 * 9, plan.FinalTrialCount);
    }

    [Fact]
    public void Plan_TrialIds_AreDistinctLowercaseHex()
    {
        var ids = AllIds(GridPlanner.Plan(Tiny()));

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(HexId(), id));
    }

    [Fact]
    public void Plan_ReorderedKeysAndWhitespace_GiveTheSameIds()
    {
        var original = GridPlanner.Plan(Tiny());
        var node = JsonNode.Parse(File.ReadAllText(TinyPath))!.AsObject();
        var reordered = Reverse(node)!.ToJsonString(); // compact, every object's keys reversed (methods kept in order)

        var again = GridPlanner.Plan(Parse(reordered, Path.GetDirectoryName(TinyPath)!));

        Assert.NotEqual(File.ReadAllText(TinyPath), reordered);
        Assert.Equal(original.SweepId, again.SweepId);
        Assert.Equal(AllIds(original), AllIds(again));
    }

    [Fact]
    public void Plan_GridInAnotherFolder_GivesTheSameIds()
    {
        var root = Path.Combine(Path.GetTempPath(), $"aftsweep-move-{Guid.NewGuid():N}");
        try
        {
            CopyFolder(Path.Combine(TestPaths.Grids, "data"), Path.Combine(root, "data"));
            Directory.CreateDirectory(Path.Combine(root, "good"));
            File.Copy(TinyPath, Path.Combine(root, "good", "tiny-text.json"));

            var moved = GridPlanner.Plan(GridParser.ParseFile(Path.Combine(root, "good", "tiny-text.json")).Spec!);
            var original = GridPlanner.Plan(Tiny());

            Assert.NotEqual(original.Grid.BaseDirectory, moved.Grid.BaseDirectory);
            Assert.Equal(original.SweepId, moved.SweepId);
            Assert.Equal(AllIds(original), AllIds(moved));

            // Same place, different bytes: features and dataset content are part of the identity.
            File.AppendAllText(Path.Combine(root, "data", "files", "feats", "train.npy"), "changed");
            var featsChanged = GridPlanner.Plan(GridParser.ParseFile(Path.Combine(root, "good", "tiny-text.json")).Spec!);
            Assert.NotEqual(original.Cells.Single(c => c.Key == "aft|feats").SelectionTrials[0].Id,
                featsChanged.Cells.Single(c => c.Key == "aft|feats").SelectionTrials[0].Id);
            Assert.Equal(original.Cells.Single(c => c.Key == "aft|minilm").SelectionTrials[0].Id,
                featsChanged.Cells.Single(c => c.Key == "aft|minilm").SelectionTrials[0].Id);

            File.AppendAllText(Path.Combine(root, "data", "tiny", "test.tsv"), "new row \t1\n");
            var dataChanged = GridPlanner.Plan(GridParser.ParseFile(Path.Combine(root, "good", "tiny-text.json")).Spec!);
            Assert.NotEqual(original.DatasetFingerprint, dataChanged.DatasetFingerprint);
            Assert.Empty(AllIds(original).Intersect(AllIds(dataChanged)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Plan_ChangedLambda_ChangesOnlyThatLambdasIds()
    {
        var original = GridPlanner.Plan(Tiny());
        var json = File.ReadAllText(TinyPath).Replace("\"lambdas\": [1, 10]", "\"lambdas\": [1, 20]", StringComparison.Ordinal);

        var changed = GridPlanner.Plan(Parse(json, Path.GetDirectoryName(TinyPath)!));

        Assert.NotEqual(original.SweepId, changed.SweepId);
        var before = original.Cells.Single(c => c.Key == "kd|minilm").SelectionTrials;
        var after = changed.Cells.Single(c => c.Key == "kd|minilm").SelectionTrials;
        Assert.Equal(before[0].Id, after[0].Id); // lambda 1, seed 0: unchanged
        Assert.NotEqual(before[2].Id, after[2].Id); // lambda 10 -> 20
        Assert.Equal(AllIds(original).Where((_, i) => i < 3), AllIds(changed).Where((_, i) => i < 3)); // stl
    }

    [Fact]
    public void Plan_ChangedDevice_KeepsIds()
    {
        var original = GridPlanner.Plan(Tiny());
        var json = File.ReadAllText(TinyPath).Replace("\"device\": \"cpu\"", "\"device\": \"cuda:0\"", StringComparison.Ordinal);

        var onGpu = GridPlanner.Plan(Parse(json, Path.GetDirectoryName(TinyPath)!));

        Assert.Equal("cuda:0", onGpu.Cells[0].FinalTemplate.Training.Device);
        Assert.Equal(original.SweepId, onGpu.SweepId);
        Assert.Equal(AllIds(original), AllIds(onGpu));
    }

    [Fact]
    public void Plan_SameGrid_GivesThePinnedIds()
    {
        // Pinned so that any change to hashing or canonical form is noticed: such a change must bump
        // CodeVersion.Trials (and then these values), or results would be silently mixed or orphaned.
        var plan = GridPlanner.Plan(Tiny());

        Assert.Equal("92bed81c2dd7e6564934221f3449b43ff2eb8d21f68ec2cfe457b0034a5e5ec1", plan.DatasetFingerprint);
        Assert.Equal("9502a700a7f8910d2900b41873defa76", plan.SweepId);
        var trial = plan.Cells.Single(c => c.Key == "aft|feats").SelectionTrials[0];
        Assert.Equal("46875c971735f535778f26123184624e", trial.Id);
        var canonical = TrialIds.CanonicalForm(trial);
        Assert.DoesNotContain(TestPaths.Grids, canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("device", canonical, StringComparison.Ordinal);
        Assert.StartsWith("{\"combo\":[{\"fingerprint\":\"", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void FinalTrial_RegularisedCell_NeedsALambdaAndHashesLambdaAndSeed()
    {
        var plan = GridPlanner.Plan(Tiny());
        var aft = plan.Cells.Single(c => c.Key == "aft|minilm");
        var stl = plan.Cells.Single(c => c.Method == MethodId.Stl);

        var a = SweepLedger.FinalTrial(aft, 1, 0);

        Assert.Equal(TrialStage.Final, a.Stage);
        Assert.Equal(1, a.Lambda);
        Assert.Equal(0, a.Seed);
        Assert.Equal(a.Id, SweepLedger.FinalTrial(aft, 1, 0).Id);
        Assert.NotEqual(a.Id, SweepLedger.FinalTrial(aft, 1, 1).Id);
        Assert.NotEqual(a.Id, SweepLedger.FinalTrial(aft, 10, 0).Id);
        Assert.DoesNotContain(a.Id, aft.SelectionTrials.Select(t => t.Id)); // stage is part of the identity
        Assert.Throws<ArgumentException>(() => SweepLedger.FinalTrial(aft, null, 0));
        Assert.Throws<ArgumentException>(() => SweepLedger.FinalTrial(stl, 1, 0));
        Assert.Null(SweepLedger.FinalTrial(stl, null, 2).Lambda);
    }

    [Fact]
    public void DatasetFingerprint_NameAndLocationAreNotPartOfIt_LoaderOptionsAre()
    {
        var dataset = Tiny().Dataset;

        var fingerprint = DatasetFingerprint.Compute(dataset);

        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
        Assert.Equal(fingerprint, DatasetFingerprint.Compute(dataset with { Name = "renamed" }));
        Assert.NotEqual(fingerprint, DatasetFingerprint.Compute(dataset with { Limit = new SplitLimit(2, null) }));
        Assert.NotEqual(fingerprint, DatasetFingerprint.Compute(dataset with { Template = "{sentence}" }));
        Assert.NotEqual(fingerprint, DatasetFingerprint.Compute(dataset with { Train = dataset.Test, Test = dataset.Train }));
    }

    private static JsonNode? Reverse(JsonNode? node, string? key = null) => node switch
    {
        JsonObject o when key == "methods" => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Reverse(p.Value, p.Key)))),
        JsonObject o => new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, Reverse(p.Value, p.Key)))),
        JsonArray a => new JsonArray(a.Select(x => Reverse(x)).ToArray()),
        _ => node?.DeepClone(),
    };

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();
}
