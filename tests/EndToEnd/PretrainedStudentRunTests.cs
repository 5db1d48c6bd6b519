using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.EndToEnd;

/// <summary>
/// Issue 14's "done when": a grid with each architecture initialised from a checkpoint runs end to end through
/// `aftsweep run` (embedded silo, real data, stl and aft with a teacher): the offline ONNX conversions (bert, dan,
/// resnet18) and users' safetensors files in torchvision and timm layouts (resnet50, vit-s16; the reference fixtures).
/// </summary>
public sealed class PretrainedStudentRunTests
{
    private static string Fixtures => Path.Combine(RepositoryRoot.Find(), "tests", "Fixtures");

    public static TheoryData<string, string> Students => new()
    {
        { "bert", """{ "model": "bert", "init": "onnx:minilm", "layers": [0] }""" },
        { "dan", """{ "model": "dan", "init": "onnx:arctic-xs" }""" },
        { "resnet18", """{ "model": "resnet18", "init": "onnx:resnet18-imagenet", "resolution": 32 }""" },
        { "resnet50", """{ "model": "resnet50", "init": "@/resnet50-w4.safetensors", "config": { "base_width": 4 }, "resolution": 32 }""" },
        { "vit-s16", """{ "model": "vit-s16", "init": "@/vit-p16-d32-i224.safetensors", "config": { "embed_dim": 32, "depth": 2, "num_heads": 2, "patch_size": 16, "img_size": 224 }, "resolution": 32 }""" },
    };

    [Theory]
    [MemberData(nameof(Students))]
    public async Task Run_StudentFromACheckpoint_TrainsStlAndAftToTheEnd(string model, string downstream)
    {
        using var temp = new TempDirectory("aftsweep-student-");
        var student = JsonSerializer.Deserialize<Dictionary<string, object>>(
            downstream.Replace("@/", Path.Combine(Fixtures, "reference") + "/", StringComparison.Ordinal))!;
        var text = model is "bert" or "dan";
        var dataset = text
            ? new Dictionary<string, object>
            {
                ["name"] = "sst2", ["kind"] = "text", ["format"] = "tsv", ["header"] = true, ["text"] = new[] { "sentence" }, ["label"] = "label",
                ["train"] = Path.Combine(Fixtures, "sst2-train.tsv"), ["test"] = Path.Combine(Fixtures, "sst2-test.tsv"),
            }
            : new Dictionary<string, object>
            {
                ["name"] = "cifar10-8", ["kind"] = "image", ["format"] = "image-tar",
                ["train"] = Path.Combine(Fixtures, "cifar10-8.tar.gz"), ["test"] = Path.Combine(Fixtures, "cifar10-8.tar.gz"),
            };
        var grid = Path.Combine(temp.Path, "grid.json");
        File.WriteAllText(grid, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = $"student-{model}",
            ["dataset"] = dataset,
            ["downstream"] = student,
            ["teachers"] = new { noise = "noise:8" },
            ["combos"] = new[] { new[] { "noise" } },
            ["methods"] = new Dictionary<string, object> { ["stl"] = new { }, ["aft"] = new { lambdas = new[] { 1.0 } } },
            ["seeds"] = new[] { 0 },
            ["training"] = new { steps = 2, batchSize = 4, lr = 1e-4, device = "cpu" },
        }));

        var run = await CliRun.InvokeAsync("run", grid, "--state", temp.Sub("state"), "--out", temp.Sub("out"));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var records = Directory.GetFiles(Path.Combine(temp.Sub("out"), "records"), "*.json").Select(TrialRecordJson.ReadFile).ToList();
        Assert.Equal(3, records.Count); // stl final, aft selection (one lambda) and final
        Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Status));
        Assert.All(records, r => Assert.Equal(model, r.Spec.Downstream.Model));
        Assert.All(records, r => Assert.InRange(r.Result!.Accuracy, 0, 1));
        var aft = Assert.Single(records, r => r.Spec.Stage == TrialStage.Final && r.Spec.Method == AftSweep.Contracts.Methods.MethodId.Aft);
        Assert.Equal(8, aft.Result!.Rho.Count); // rho over the noise teacher's 8 features: the regulariser ran on this student
    }
}
