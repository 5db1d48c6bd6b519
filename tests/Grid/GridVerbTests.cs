using System.Text.Json;
using AftSweep.Client.Commands;

namespace AftSweep.Tests.Grid;

/// <summary>`aftsweep validate` and `aftsweep plan` through the real command tree, with captured output.</summary>
public sealed class GridVerbTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new CliOutput(new StringWriter(), new StringWriter());
        var code = await AftSweepApp.RunAsync(args, output);
        return (code, output.Out.ToString()!, output.Error.ToString()!);
    }

    private static string Example(string name) => Path.Combine(TestPaths.Examples, name);

    [Fact]
    public async Task Validate_ValidGrid_Exits0WithOneLineSummary()
    {
        var (code, stdout, stderr) = await Run("validate", Example("quickstart.json"));

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Equal(
            "valid: grid 'quickstart-sst2', dataset 'sst2' (text), 4 methods, 1 combo, 4 cells, 6 selection + 20 final = 26 trials",
            stdout.TrimEnd());
    }

    [Fact]
    public async Task Validate_InvalidGrid_Exits2WithEachProblemOnItsOwnLine()
    {
        var grid = Path.Combine(TestPaths.Grids, "good", "tiny-text.json");
        var broken = Path.Combine(Path.GetTempPath(), $"aftsweep-broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(broken, File.ReadAllText(grid)
            .Replace("\"steps\": 10", "\"steps\": -1", StringComparison.Ordinal)
            .Replace("[0.1, 1, 10]", "[]", StringComparison.Ordinal)
            .Replace("../data/tiny/train.tsv", Path.Combine(TestPaths.Grids, "data", "tiny", "train.tsv"), StringComparison.Ordinal)
            .Replace("../data/tiny/test.tsv", Path.Combine(TestPaths.Grids, "data", "tiny", "test.tsv"), StringComparison.Ordinal)
            .Replace("../data/files/feats", Path.Combine(TestPaths.Grids, "data", "files", "feats"), StringComparison.Ordinal));
        try
        {
            var (code, stdout, stderr) = await Run("validate", broken);

            Assert.Equal(2, code);
            Assert.Empty(stdout);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(
                [
                    "methods.aft.lambdas: must be a non-empty list of positive numbers",
                    "training.steps: must be a positive integer (at most 100,000,000), got the number -1",
                    $"{broken}: 2 problems, nothing done",
                ],
                lines);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("plan")]
    public async Task Verb_MissingGridFile_Exits2WithClearMessage(string verb)
    {
        var missing = Path.Combine(TestPaths.Grids, "nope.json");

        var (code, stdout, stderr) = await Run(verb, missing);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"$: grid file not found: {missing}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoArgument_Exits2WithoutStackTrace()
    {
        var (code, _, stderr) = await Run("validate");

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_BadGrid_Exits2()
    {
        var (code, stdout, stderr) = await Run("plan", Path.Combine(TestPaths.BadGrids, "trailing-garbage.json"));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("trailing garbage", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Table_ShowsStagesTotalsAndMethods()
    {
        var (code, stdout, stderr) = await Run("plan", Example("quickstart.json"));

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("cells 4   stage 1 (selection) 6 trials   stage 2 (final) 20 trials   total 26", stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*kd\s+1\s+1,10,100\s+3\s+5\s+8\s*$", stdout);
        Assert.Matches(@"(?m)^\s*stl\s+1\s+-\s+0\s+5\s+5\s*$", stdout);
        Assert.Matches(@"(?m)^\s*aft\|minilm\+arctic\s+3\s+5\s*$", stdout);
    }

    [Fact]
    public async Task Plan_Json_IsStableAndMatchesTheCounts()
    {
        var (code, stdout, _) = await Run("plan", Example("quickstart.json"), "--json");
        var (_, again, _) = await Run("plan", Example("quickstart.json"), "--json");

        Assert.Equal(0, code);
        Assert.Equal(stdout, again);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", root.GetProperty("sweepId").GetString());
        Assert.Equal(4, root.GetProperty("cells").GetInt32());
        Assert.Equal(6, root.GetProperty("selectionTrials").GetInt32());
        Assert.Equal(20, root.GetProperty("finalTrials").GetInt32());
        Assert.Equal(26, root.GetProperty("totalTrials").GetInt32());
        var methods = root.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(["stl", "linear-probe", "kd", "aft"], methods.Select(m => m.GetProperty("method").GetString()));
        Assert.Equal(26, methods.Sum(m => m.GetProperty("totalTrials").GetInt32()));
        var cells = root.GetProperty("cellPlans").EnumerateArray().ToList();
        Assert.Equal(6, cells.Sum(c => c.GetProperty("selectionTrialIds").GetArrayLength()));
    }

    [Fact]
    public async Task Plan_MaxTrialsOption_RefusesLargerGrids()
    {
        var (code, _, stderr) = await Run("plan", Example("quickstart.json"), "--max-trials", "10");

        Assert.Equal(2, code);
        Assert.Contains("more than the cap of 10", stderr, StringComparison.Ordinal);
    }
}
