using System.Text.Json;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Experiments;

/// <summary>
/// CI's miniature of the reproduction and benchmark scripts (issue: long runs stay out of CI, a miniature keeps the
/// script working): the same grids at 2 seeds / 4 steps / 48 rows through the real tool, and every bench verb briefly.
/// </summary>
public sealed class ExperimentScriptsTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "aftsweep-experiments-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task RunMini_AllGrids_WritesResultsWithEveryClaimAndFigure()
    {
        var doc = Path.Combine(_work, "results.md");
        var (code, output) = await ScriptAsync("experiments/run.sh", "--mini", "--work", _work, "--doc", doc);
        Assert.True(code == 0, output);

        var text = await File.ReadAllTextAsync(doc);
        Assert.Contains("**Miniature run**", text);
        foreach (var heading in new[] { "### 1. AFT beats STL and KD", "### 2. AFT is robust to noise features", "### 3. AFT tracks linear-probe", "### 4. Ablations" })
            Assert.Contains(heading, text);
        var grids = Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "experiments"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).ToList();
        Assert.Equal(11, grids.Count);
        foreach (var grid in grids)
        {
            Assert.Contains($"## {grid}", text);
            // The grid's table is the tool's own results.md, nested under the grid's section.
            var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "out", grid, "results.json")));
            Assert.NotEmpty(results.RootElement.GetProperty("datasets")[0].GetProperty("main").GetProperty("rows").EnumerateArray());
            Assert.True(File.Exists(Path.Combine(_work, "results", $"{grid}-learning-curves.png")), grid);
        }
        Assert.True(File.Exists(Path.Combine(_work, "results", "robustness-cifar10-noise-noise-robustness.png")));
        Assert.True(File.Exists(Path.Combine(_work, "results", "text-sst2-lp-correlation.png")));
        Assert.DoesNotContain("No grid with a `noise:D` teacher", text);
        // Two seeds per cell: every comparison has an interval, and findings are paired, never single-SE.
        Assert.Contains("**mean over combos**", text);
        Assert.DoesNotContain("within one SE (", text);

        // The machine-readable twin of the document.
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "results.json")));
        var root = summary.RootElement;
        Assert.Equal("aftsweep.reproduction", root.GetProperty("kind").GetString());
        Assert.True(root.GetProperty("mini").GetBoolean());
        Assert.Equal(grids.Count, root.GetProperty("grids").GetArrayLength());
        var sst2 = root.GetProperty("grids").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "text-sst2").GetProperty("datasets")[0];
        var comparisons = sst2.GetProperty("comparisons").EnumerateArray().ToList();
        Assert.Contains(comparisons, c => c.GetProperty("role").GetString() == "stl");
        Assert.All(comparisons, c => Assert.Equal(2, c.GetProperty("n").GetInt32()));
        Assert.All(comparisons, c => Assert.True(c.GetProperty("intervalDefined").GetBoolean()));
        Assert.Equal(3, sst2.GetProperty("linearProbe").GetArrayLength());
        Assert.Contains(sst2.GetProperty("cells").EnumerateArray(), c => c.GetProperty("method").GetString() == "stl" && c.GetProperty("combo").ValueKind == JsonValueKind.Null);
        Assert.NotEmpty(root.GetProperty("claims").GetProperty("noiseRobustness").EnumerateArray());

        // Re-running resumes: every trial is already finished, nothing is trained again.
        var (again, againOutput) = await ScriptAsync("experiments/run.sh", "--mini", "--work", _work, "--doc", doc, "--only", "text-sst2");
        Assert.True(again == 0, againOutput);
        Assert.Contains("resuming sweep", againOutput);
    }

    [Fact]
    public async Task BenchQuick_WritesEveryBenchmarkSection()
    {
        var doc = Path.Combine(_work, "benchmarks.md");
        var (code, output) = await ScriptAsync("experiments/bench.sh", "--quick", "--work", _work, "--doc", doc);
        Assert.True(code == 0, output);
        var text = await File.ReadAllTextAsync(doc);
        Assert.Contains("**Quick run**", text);
        Assert.Contains("## Training step time: AFT vs STL", text);
        Assert.Contains("| aft |", text);
        Assert.Contains("## Feature store and teacher extraction", text);
        Assert.Contains("## Scheduler", text);
        Assert.Contains("Target with 2 silos", text);
        Assert.DoesNotContain("No output", text);
    }

    private static async Task<(int Code, string Output)> ScriptAsync(string script, params string[] args)
    {
        var root = RepositoryRoot.Find();
        var start = ChildProcess.Start("bash", root, [Path.Combine(root, script), .. args]);
        start.Environment["AFTSWEEP"] = $"dotnet {ToolProcess.ToolPath()}";
        var result = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(20));
        return (result.Code, result.Stdout + result.Stderr);
    }
}
