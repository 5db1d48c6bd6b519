using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data.Npy;
using Xunit;

namespace AftSweep.Tests.EndToEnd;

/// <summary>`aftsweep run` through the real command line, in process: the embedded silo, the real engine, the outputs.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_TinyGrid_WritesTablesAndFiguresConsistentWithRecords_AndRerunRunsNothing()
    {
        using var temp = new TempDirectory();
        var grid = TinyGrids.Write(temp.Path, "e2e-tiny",
            teachers: new { n4 = "noise:4", n8 = "noise:8" },
            combos: new[] { new[] { "n4" }, new[] { "n8" } },
            methods: new Dictionary<string, object> { ["stl"] = new { }, ["linear-probe"] = new { }, ["aft"] = new { lambdas = new[] { 1.0 } } },
            seeds: [0, 1]);
        var state = temp.Sub("state");
        var outFolder = temp.Sub("out");

        var first = await CliRun.InvokeAsync("run", grid, "--state", state, "--out", outFolder);

        Assert.True(first.ExitCode == ExitCodes.Ok, first.ToString());
        foreach (var file in new[] { "results.md", "results.csv", "results.tex", "results.json", "learning-curves.png", "learning-curves.svg",
                     "lp-correlation.png", "lp-correlation.svg", "noise-robustness.png", "noise-robustness.svg" })
            Assert.True(new FileInfo(Path.Combine(outFolder, file)).Length > 0, $"{file} missing or empty\n{first}");
        var records = Directory.GetFiles(Path.Combine(outFolder, "records"), "*.json").Select(TrialRecordJson.ReadFile).ToList();
        // stl 2 seeds; linear-probe 2 combos x 2 seeds; aft 2 combos x (1 selection + 2 final).
        Assert.Equal(12, records.Count);
        Assert.All(records, r => Assert.Equal(TrialStatus.Succeeded, r.Status));

        // Every cell of the JSON table is the mean of its final records' test accuracies, and the Markdown shows it.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outFolder, "results.json")));
        var rows = json.RootElement.GetProperty("datasets")[0].GetProperty("main").GetProperty("rows");
        var cells = 0;
        foreach (var row in rows.EnumerateArray())
        foreach (var cell in row.GetProperty("cells").EnumerateArray())
        {
            var method = cell.GetProperty("method").GetString()!;
            var combo = cell.GetProperty("combo").GetString()!;
            var finals = records.Where(r => r.Spec.Stage == TrialStage.Final && r.Spec.Method.NameOf() == method
                                            && (method == "stl" || r.Spec.ComboKey == combo)).ToList();
            Assert.Equal(2, finals.Count);
            var expected = finals.Average(r => r.Result!.Accuracy);
            Assert.Equal(expected, cell.GetProperty("mean").GetDouble(), 12);
            Assert.Contains((expected * 100).ToString("F1", CultureInfo.InvariantCulture), first.Out);
            cells++;
        }
        Assert.Equal(6, cells); // stl repeated per column, linear-probe and aft per combo
        Assert.StartsWith("# AftSweep results", first.Out);
        Assert.Contains("| linear-probe |", first.Out);
        Assert.Equal(File.ReadAllText(Path.Combine(outFolder, "results.md")), first.Out);

        var finishedAt = records.ToDictionary(r => r.Spec.Id, r => r.FinishedAt);
        var second = await CliRun.InvokeAsync("run", grid, "--state", state, "--out", outFolder);

        Assert.True(second.ExitCode == ExitCodes.Ok, second.ToString());
        Assert.Contains("resuming sweep", second.Error);
        Assert.Equal(first.Out, second.Out);
        var again = Directory.GetFiles(Path.Combine(outFolder, "records"), "*.json").Select(TrialRecordJson.ReadFile).ToList();
        Assert.Equal(finishedAt, again.ToDictionary(r => r.Spec.Id, r => r.FinishedAt));
        Assert.All(again, r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public async Task Run_FeaturesTeacherWithWrongRowCount_ExitsOneNamingTheFailedTrials()
    {
        using var temp = new TempDirectory();
        var features = temp.Sub("features");
        Directory.CreateDirectory(features);
        // The digits train file has far more than 7 rows: every trial that needs these features must fail.
        NpyFile.WriteFloat32Matrix(Path.Combine(features, "train.npy"), 7, 3, new float[21]);
        NpyFile.WriteFloat32Matrix(Path.Combine(features, "test.npy"), 7, 3, new float[21]);
        var grid = TinyGrids.Write(temp.Path, "e2e-bad-features",
            teachers: new { pre = $"features:{features}" },
            combos: new[] { new[] { "pre" } },
            methods: new Dictionary<string, object> { ["stl"] = new { }, ["linear-probe"] = new { } },
            seeds: [0]);

        var run = await CliRun.InvokeAsync("run", grid, "--state", temp.Sub("state"), "--out", temp.Sub("out"));

        Assert.True(run.ExitCode == ExitCodes.TrialsFailed, run.ToString());
        var failed = run.Error.Split('\n').Where(l => l.StartsWith("failed: trial ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(failed);
        Assert.Contains("linear-probe|pre", line);
        Assert.Contains("rows", line);
        Assert.Contains("1 trial failed", run.Error);
        // The trial that could run did, and the table still came out.
        Assert.Contains("| stl |", run.Out);
    }

    [Fact]
    public async Task Run_InvalidGrid_ExitsTwoAndWritesNoState()
    {
        using var temp = new TempDirectory();
        var grid = temp.Sub("bad.json");
        File.WriteAllText(grid, """{ "name": "bad", "dataset": { "name": "x" }, "seeds": "zero" }""");
        var state = temp.Sub("state");

        var run = await CliRun.InvokeAsync("run", grid, "--state", state, "--out", temp.Sub("out"));

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("nothing done", run.Error);
        Assert.False(Directory.Exists(state));
        Assert.False(Directory.Exists(temp.Sub("out")));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Run_DatasetFileMissing_ExitsTwoWithOneLineAndNoStackTrace()
    {
        using var temp = new TempDirectory();
        var grid = TinyGrids.Write(temp.Path, "e2e-missing",
            teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0],
            trainFile: temp.Sub("gone.csv"));

        var run = await CliRun.InvokeAsync("run", grid, "--state", temp.Sub("state"));

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("gone.csv", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(temp.Sub("state")));
    }

    [Theory]
    [InlineData("--slots", "0")]
    [InlineData("--slots", "65")]
    public async Task Run_SlotsOutOfRange_ExitsTwoNamingTheOption(string option, string value)
    {
        using var temp = new TempDirectory();
        var run = await CliRun.InvokeAsync("run", Path.Combine(RepositoryRoot.Find(), "examples", "digits-tiny.json"), option, value, "--state", temp.Sub("state"));

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.StartsWith("error: --slots", run.Error);
    }
}
