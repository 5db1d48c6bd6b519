using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Tests.Infrastructure;
using Xunit;

namespace AftSweep.Tests.EndToEnd;

/// <summary>
/// Issue 16 items 5 and 7 through the command line: results and plot from an output, state or records folder;
/// sweeps compared; status and trials against a state folder; one feature store default.
/// </summary>
public sealed class ResultsAnywhereTests
{
    private static string Grid(string folder, string name, int[] seeds) => TinyGrids.Write(folder, name,
        teachers: new { n4 = "noise:4" },
        combos: new[] { new[] { "n4" } },
        methods: new Dictionary<string, object> { ["stl"] = new { }, ["aft"] = new { lambdas = new[] { 1.0, 0.1 } } },
        seeds: seeds);

    private static async Task<string> RunAsync(string grid, string state, string outFolder)
    {
        var run = await CliRun.InvokeAsync("run", grid, "--state", state, "--out", outFolder);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var id = System.Text.RegularExpressions.Regex.Match(run.Error, "sweep ([0-9a-f]{32})").Groups[1].Value;
        Assert.Equal(32, id.Length);
        return id;
    }

    [Fact]
    public async Task Results_And_Plot_ReadOutputStateAndRecordsFolders_PickASweepOfAState_AndRefuseAnythingElse()
    {
        using var temp = new TempDirectory();
        var state = temp.Sub("state");
        var a = await RunAsync(Grid(temp.Path, "anywhere-a", [0, 1]), state, temp.Sub("out-a"));
        var b = await RunAsync(Grid(temp.Path, "anywhere-b", [0]), state, temp.Sub("out-b"));

        var fromOut = await CliRun.InvokeAsync("results", temp.Sub("out-a"), "--format", "json");
        Assert.True(fromOut.ExitCode == 0, fromOut.ToString());
        var fromRecords = await CliRun.InvokeAsync("results", Path.Combine(temp.Sub("out-a"), "records"), "--format", "json");
        Assert.Equal(fromOut.Out, fromRecords.Out);
        Assert.Equal(a, JsonDocument.Parse(fromOut.Out).RootElement.GetProperty("sweepIds")[0].GetString());

        // Two sweeps in one state folder: refused, naming both with their grids, until --sweep picks one.
        var both = await CliRun.InvokeAsync("results", state);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains($"{a} 'anywhere-a'", both.Error);
        Assert.Contains($"{b} 'anywhere-b'", both.Error);
        Assert.Contains("--sweep", both.Error);
        var picked = await CliRun.InvokeAsync("results", state, "--sweep", a[..8], "--format", "json");
        Assert.True(picked.ExitCode == 0, picked.ToString());
        Assert.Equal(fromOut.Out, picked.Out);
        var tooShort = await CliRun.InvokeAsync("results", state, "--sweep", a[..5]);
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("--sweep", tooShort.Error);

        var plot = await CliRun.InvokeAsync("plot", state, "--sweep", b, "--kind", "learning-curves", "--out", Path.Combine(temp.Path, "b.svg"));
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.True(new FileInfo(Path.Combine(temp.Path, "b.svg")).Length > 0);

        var empty = temp.Sub("empty");
        Directory.CreateDirectory(empty);
        var nothing = await CliRun.InvokeAsync("results", empty);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("output folder", nothing.Error);
        Assert.Contains("state folder", nothing.Error);
        var missing = await CliRun.InvokeAsync("plot", Path.Combine(temp.Path, "nope"), "--kind", "lp-correlation", "--out", Path.Combine(temp.Path, "x.png"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
    }

    [Fact]
    public async Task Results_TwoSweepsOfOneDataset_OneTableWithAColumnGroupPerSweep()
    {
        using var temp = new TempDirectory();
        var a = await RunAsync(Grid(temp.Path, "compare-a", [0, 1]), temp.Sub("state-a"), temp.Sub("out-a"));
        var b = await RunAsync(Grid(temp.Path, "compare-b", [0]), temp.Sub("state-b"), temp.Sub("out-b"));

        var md = await CliRun.InvokeAsync("results", temp.Sub("out-a"), temp.Sub("state-b"));
        Assert.True(md.ExitCode == 0, md.ToString());
        Assert.Equal(1, md.Out.Split("\n## ").Length - 1); // one dataset: one section
        Assert.Contains($"| method | {a[..8]}: n4 | {b[..8]}: n4 |", md.Out);

        var json = await CliRun.InvokeAsync("results", temp.Sub("out-a"), temp.Sub("state-b"), "--format", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("aftsweep.comparison", root.GetProperty("kind").GetString());
        var section = Assert.Single(root.GetProperty("sections").EnumerateArray());
        Assert.Equal([a, b], section.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("sweepId").GetString()));
        // Each cell is the one the sweep's own table has.
        var own = JsonDocument.Parse((await CliRun.InvokeAsync("results", temp.Sub("out-a"), "--format", "json")).Out).RootElement
            .GetProperty("datasets")[0].GetProperty("main").GetProperty("rows");
        var ownStl = own.EnumerateArray().First(r => r.GetProperty("method").GetString() == "stl").GetProperty("cells")[0].GetProperty("mean").GetDouble();
        var stl = section.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("method").GetString() == "stl").GetProperty("cells");
        Assert.Equal(ownStl, stl[0].GetProperty("mean").GetDouble(), 12);
        Assert.Equal(a, stl[0].GetProperty("sweepId").GetString());
        Assert.Equal(1, stl[1].GetProperty("n").GetInt32());

        var twice = await CliRun.InvokeAsync("results", temp.Sub("out-a"), temp.Sub("state-a"));
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("given twice", twice.Error);
    }

    [Fact]
    public async Task StatusAndTrials_AgainstAStateFolder_ShowWhatTheRunLeft()
    {
        using var temp = new TempDirectory();
        var state = temp.Sub("state");
        var id = await RunAsync(Grid(temp.Path, "offline", [0, 1]), state, temp.Sub("out"));

        var list = await CliRun.InvokeAsync("status", "--state", state, "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var sweep = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal(id, sweep.GetProperty("sweepId").GetString());
        Assert.Equal("completed", sweep.GetProperty("phase").GetString());

        var status = await CliRun.InvokeAsync("status", id[..8], "--state", state, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        var trials = JsonDocument.Parse(status.Out).RootElement.GetProperty("trials");
        // stl 2 finals; aft 2 selection (one seed x 2 lambdas) + 2 finals.
        Assert.Equal(6, trials.GetProperty("total").GetInt32());
        Assert.Equal(6, trials.GetProperty("done").GetInt32());
        Assert.Equal(2, JsonDocument.Parse(status.Out).RootElement.GetProperty("selection").GetProperty("done").GetInt32());

        var rows = await CliRun.InvokeAsync("trials", id, "--state", state, "--json");
        Assert.True(rows.ExitCode == 0, rows.ToString());
        var all = JsonDocument.Parse(rows.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(6, all.Count);
        Assert.All(all, r => Assert.Equal("succeeded", r.GetProperty("state").GetString()));
        Assert.Equal(StateFolderRecords.Count(state, id), all.Count);
        var failed = await CliRun.InvokeAsync("trials", id, "--state", state, "--status", "failed", "--json");
        Assert.Empty(JsonDocument.Parse(failed.Out).RootElement.EnumerateArray());

        var notState = await CliRun.InvokeAsync("status", "--state", temp.Sub("out"));
        Assert.Equal(2, notState.ExitCode);
        Assert.Contains("not a state folder", notState.Error);
        var oldFilter = await CliRun.InvokeAsync("trials", id, "--state", "failed");
        Assert.Equal(2, oldFilter.ExitCode);
        Assert.Contains("--status failed", oldFilter.Error);
    }

    [Fact]
    public async Task StatusAndResults_WhileARunUsesTheStateFolder_ReadConsistentCountsWithoutDisturbingIt()
    {
        using var temp = new TempDirectory();
        var state = temp.Sub("state");
        // Enough steps that the run is still training while status reads its folder.
        var grid = TinyGrids.Write(temp.Path, "during",
            teachers: new { n4 = "noise:4" },
            combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { }, ["aft"] = new { lambdas = new[] { 1.0, 0.1 } } },
            seeds: [0, 1, 2], steps: 300);
        var run = CliRun.InvokeAsync("run", grid, "--state", state, "--out", temp.Sub("out"));
        var seenWhileRunning = new List<int>();
        while (!run.IsCompleted)
        {
            await Task.Delay(100);
            var status = await CliRun.InvokeAsync("status", "--state", state, "--json");
            // Before the run has created its database there is nothing to read yet: a precise exit 2.
            if (status.ExitCode == ExitCodes.BadInput && (status.Error.Contains("not a state folder", StringComparison.Ordinal)
                                                          || status.Error.Contains("does not exist", StringComparison.Ordinal)
                                                          || status.Error.Contains("no AftSweep state yet", StringComparison.Ordinal))) continue;
            Assert.True(status.ExitCode == 0, status.ToString());
            var sweeps = JsonDocument.Parse(status.Out).RootElement.EnumerateArray().ToList();
            if (sweeps.Count == 0) continue; // submitted, not registered yet
            var sweep = Assert.Single(sweeps);
            Assert.Equal(8, sweep.GetProperty("total").GetInt32()); // stl 3 finals; aft 2 selection (seed 0, 2 lambdas) + 3 finals
            var done = sweep.GetProperty("done").GetInt32();
            // Records only grow: read after the snapshot, there are at least as many.
            Assert.True(StateFolderRecords.Count(state, sweep.GetProperty("sweepId").GetString()!) >= done);
            if (!run.IsCompleted) seenWhileRunning.Add(done);
        }
        var finished = await run;
        Assert.True(finished.ExitCode == ExitCodes.Ok, finished.ToString());
        Assert.NotEmpty(seenWhileRunning);
        Assert.True(seenWhileRunning.Zip(seenWhileRunning.Skip(1)).All(p => p.First <= p.Second), string.Join(",", seenWhileRunning));
        var after = await CliRun.InvokeAsync("status", "--state", state, "--json");
        Assert.Equal(8, JsonDocument.Parse(after.Out).RootElement[0].GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task FeaturesLs_AfterARunWithDefaults_ListsTheRunsFeatureSets()
    {
        using var temp = new TempDirectory();
        var grid = Grid(temp.Path, "one-store", [0]);
        // The built tool in the folder (a working directory of its own: the defaults are relative to it).
        var run = await ToolProcess.RunAsync(temp.Path, "run", grid);
        Assert.True(run.Code == 0, run.Error);
        Assert.True(Directory.Exists(Path.Combine(temp.Path, ".aftsweep", "state", "store")));

        var ls = await ToolProcess.RunAsync(temp.Path, "features", "ls", "--json");
        Assert.True(ls.Code == 0, ls.Error);
        Assert.Contains("noise:4", ls.Out); // the train and test sets of the run's one teacher
        Assert.Equal(2, JsonDocument.Parse(ls.Out).RootElement.GetProperty("sets").GetArrayLength());
    }
}
