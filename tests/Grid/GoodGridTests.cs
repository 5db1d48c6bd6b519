using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;

namespace AftSweep.Tests.Grid;

public sealed class GoodGridTests
{
    public static TheoryData<string> Examples => new(TestPaths.ExampleGrids.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void ParseFile_Example_IsValid(string file)
    {
        var result = GridParser.ParseFile(Path.Combine(TestPaths.Examples, file));

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        foreach (var path in result.Spec.Dataset.Train.AllPaths().Concat(result.Spec.Dataset.Test.AllPaths()))
        {
            Assert.True(Path.IsPathFullyQualified(path), path);
            Assert.True(File.Exists(path), path);
        }
    }

    [Fact]
    public void ExampleSet_CoversTheIssueList()
    {
        var names = TestPaths.ExampleGrids.Select(Path.GetFileName).ToList();
        Assert.Subset(names.ToHashSet()!, new HashSet<string>(["quickstart.json", "cifar10.json", "cifar10-noise.json", "rte.json", "digits-tiny.json"]));
    }

    [Fact]
    public void ParseFile_Quickstart_ReadsEveryFieldAndResolvesPaths()
    {
        var grid = GridParser.ParseFile(Path.Combine(TestPaths.Examples, "quickstart.json")).Spec!;

        Assert.Equal("quickstart-sst2", grid.Name);
        Assert.Equal(TestPaths.Examples, grid.BaseDirectory);
        Assert.Equal(DatasetKind.Text, grid.Dataset.Kind);
        Assert.Equal(DatasetFormat.Tsv, grid.Dataset.Format);
        Assert.Equal([Path.Combine(TestPaths.Examples, "data", "sst2", "train.tsv")], grid.Dataset.Train.Files);
        Assert.Equal([ColumnRef.Named("sentence")], grid.Dataset.Text);
        Assert.Equal(ColumnRef.Named("label"), grid.Dataset.Label);
        Assert.Null(grid.Dataset.Template);
        Assert.Equal(new SplitLimit(2000, null), grid.Dataset.Limit);
        Assert.Equal("dan", grid.Downstream.Model);
        Assert.Equal("onnx:minilm", grid.Downstream.Init);
        Assert.Equal([new TeacherRef("minilm", "onnx:minilm"), new TeacherRef("arctic", "onnx:arctic-xs")], grid.Teachers);
        Assert.Equal([["minilm", "arctic"]], grid.Combos.Select(c => c.ToArray()));
        Assert.Equal([MethodId.Stl, MethodId.LinearProbe, MethodId.Kd, MethodId.Aft], grid.Methods.Select(m => m.Method));
        Assert.Equal([1, 10, 100], grid.Methods[2].Lambdas);
        Assert.Equal([0.3, 1, 3], grid.Methods[3].Lambdas);
        Assert.Equal([0, 1, 2, 3, 4], grid.Seeds);
        Assert.Equal(600, grid.Training.Steps);
        Assert.Equal(0.05, grid.Training.PriorLr);
        Assert.Equal("adam", grid.Training.Optimizer);
        Assert.Equal(0.1, grid.Selection.HoldoutFraction);
        Assert.Equal(42, grid.Selection.SplitSeed);
    }

    [Fact]
    public void ParseFile_ImageTarGlob_ExpandsToSortedExistingFiles()
    {
        var grid = GridParser.ParseFile(Path.Combine(TestPaths.Examples, "cifar10.json")).Spec!;

        var folder = Path.Combine(TestPaths.Examples, "data", "cifar10");
        Assert.Equal(Enumerable.Range(0, 4).Select(i => Path.Combine(folder, $"train_{i:D2}.tar.gz")), grid.Dataset.Train.Files);
        Assert.Equal([Path.Combine(folder, "test_00.tar.gz")], grid.Dataset.Test.Files);
    }

    [Fact]
    public void ParseFile_MrpcWithBomAndSpacedColumns_ChecksHeaderColumns()
    {
        var grid = GridParser.ParseFile(Path.Combine(TestPaths.Examples, "mrpc.json")).Spec!;

        Assert.Equal([ColumnRef.Named("#1 String"), ColumnRef.Named("#2 String")], grid.Dataset.Text);
        Assert.Equal(ColumnRef.Named("Quality"), grid.Dataset.Label);
        Assert.Equal("Sentence 1: {#1 String}\n Sentence 2: {#2 String}\n Question: Do both sentences mean the same thing?\n Answer:", grid.Dataset.Template);
    }

    [Fact]
    public void ParseFile_DigitsCsvWithoutHeader_UsesIndexLabel()
    {
        var grid = GridParser.ParseFile(Path.Combine(TestPaths.Examples, "digits-tiny.json")).Spec!;

        Assert.Equal(DatasetKind.Vectors, grid.Dataset.Kind);
        Assert.False(grid.Dataset.Header);
        Assert.Equal(ColumnRef.At(64), grid.Dataset.Label);
        Assert.Empty(grid.Dataset.Text);
    }

    [Fact]
    public void Parse_EveryTeacherKindAndSourceShape_IsAcceptedAndCanonical()
    {
        var json = """
        {
          "name": "shapes", "dataset": { "name": "d", "kind": "image", "format": "idx",
            "train": { "images": "data/files/images.idx", "labels": "data/files/labels.idx" },
            "test": { "labels": "data/files/labels.idx", "images": "data/files/images.idx" } },
          "downstream": { "model": "resnet18", "init": "data/files/init.bin", "options": { "smallImageStem": true, "width": 64, "act": "relu" } },
          "teachers": { "r": "onnx:resnet18-imagenet", "f": "features:data/files/feats",
                        "o": "onnx-file:data/files/model.onnx?output=emb&input=image", "n": "noise:4" },
          "combos": [["r", "f"], ["o"], ["n"]],
          "methods": { "scratch": {}, "aft-bilevel": { "lambdas": [2], "innerSteps": 3, "lr": 0.0005, "device": "cuda:1" } },
          "seeds": [7],
          "training": { "device": "cpu", "timeoutSeconds": 30 }
        }
        """;

        var result = GridParser.Parse(json, TestPaths.Grids);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var grid = result.Spec;
        var files = Path.Combine(TestPaths.Grids, "data", "files");
        Assert.Equal(Path.Combine(files, "images.idx"), grid.Dataset.Test.Images);
        Assert.Equal(Path.Combine(files, "init.bin"), grid.Downstream.Init);
        Assert.Equal(new Dictionary<string, string> { ["act"] = "relu", ["smallImageStem"] = "true", ["width"] = "64" }, grid.Downstream.Options);
        Assert.Equal($"features:{Path.Combine(files, "feats")}", grid.Teacher("f").Spec);
        Assert.Equal($"onnx-file:{Path.Combine(files, "model.onnx")}?input=image&output=emb", grid.Teacher("o").Spec);
        var bilevel = grid.Methods[1];
        Assert.Equal(3, bilevel.Overrides.InnerSteps);
        Assert.Equal(0.0005, bilevel.Overrides.Lr);
        Assert.Equal("cuda:1", bilevel.Overrides.Device);
        Assert.Equal(30, grid.Training.TimeoutSeconds);
    }

    [Fact]
    public void Parse_CheckFilesOff_AcceptsMissingFiles()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.BadGrids, "dataset-file-missing.json"));

        Assert.False(GridParser.Parse(json, TestPaths.BadGrids).IsValid);
        Assert.True(GridParser.Parse(json, TestPaths.BadGrids, GridParserOptions.Default with { CheckFiles = false }).IsValid);
    }
}
