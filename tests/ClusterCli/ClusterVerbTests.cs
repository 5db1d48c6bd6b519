using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Cluster;
using AftSweep.Tests.EndToEnd;

namespace AftSweep.Tests.ClusterCli;

/// <summary>The cluster verbs through the real command tree against a real two-silo cluster, output captured.</summary>
public sealed class ClusterVerbTests(CliClusterFixture fixture) : IClassFixture<CliClusterFixture>
{
    private const int TrialsPerGrid = CliGrids.TrialsPerGrid;

    private async Task<string> SubmitAsync(string dataset, bool wait, int expectedCode = 0)
    {
        var args = wait ? new[] { "submit", fixture.WriteGrid(dataset), "--wait" } : ["submit", fixture.WriteGrid(dataset)];
        var (code, stdout, stderr) = await fixture.RunOnClusterAsync(args);
        Assert.True(code == expectedCode, $"submit exited {code}, expected {expectedCode}; stderr: {stderr}");
        var id = stdout.Trim();
        Assert.Matches("^[0-9a-f]{16,}$", id);
        return id;
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (code, stdout, stderr) = await fixture.RunOnClusterAsync([.. args, "--json"]);
        Assert.True(code == 0, $"{string.Join(' ', args)} exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public async Task Submit_SameGridTwice_PrintsSameIdAndRunsEachTrialOnce()
    {
        var first = await SubmitAsync("twice", wait: true);
        var (code, stdout, stderr) = await fixture.RunOnClusterAsync("submit", fixture.WriteGrid("twice"));

        Assert.Equal(0, code);
        Assert.Equal(first, stdout.Trim());
        Assert.Contains("already submitted", stderr);
        var trials = await JsonAsync("trials", first);
        Assert.Equal(TrialsPerGrid, trials.GetArrayLength());
        Assert.All(trials.EnumerateArray(), t =>
        {
            Assert.Equal("succeeded", t.GetProperty("state").GetString());
            Assert.Equal(1, fixture.Executor.Executions(t.GetProperty("id").GetString()!));
        });
    }

    [Fact]
    public async Task Status_CompletedSweep_ShowsCountsPerStageAndCellAsTextAndJson()
    {
        var id = await SubmitAsync("status", wait: true);

        var json = await JsonAsync("status", id);
        Assert.Equal(id, json.GetProperty("sweepId").GetString());
        Assert.Equal("completed", json.GetProperty("phase").GetString());
        Assert.Equal(TrialsPerGrid, json.GetProperty("trials").GetProperty("done").GetInt32());
        Assert.Equal(0, json.GetProperty("trials").GetProperty("failed").GetInt32());
        Assert.Equal(2, json.GetProperty("selection").GetProperty("total").GetInt32());
        Assert.Equal(4, json.GetProperty("final").GetProperty("total").GetInt32());
        Assert.True(json.GetProperty("trialsPerMinute").GetDouble() > 0);
        var cells = json.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!);
        Assert.Equal(["kd|noise", "stl|"], cells.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(10, cells["kd|noise"].GetProperty("lambda").GetDouble()); // the executor scores lambda 10 higher

        var (code, text, _) = await fixture.RunOnClusterAsync("status", id);
        Assert.Equal(0, code);
        Assert.Contains($"sweep {id} 'cli-status': completed", text);
        Assert.Matches(@"all\s+6\s+0\s+0\s+0\s+0\s+0\s+6", text); // done running pending failed cancelled blocked total
        Assert.Matches(@"throughput [0-9.]+ trials/min\r?\n", text);
        Assert.DoesNotContain("ETA", text); // nothing left to estimate
        Assert.True(json.GetProperty("etaSeconds").ValueKind == JsonValueKind.Null);

        var (watchCode, watch, _) = await fixture.RunOnClusterAsync("status", id, "--watch", "--interval", "0.2");
        Assert.Equal(0, watchCode);
        Assert.Contains("completed: 6/6 done, 0 failed", watch);
    }

    [Fact]
    public async Task FailedTrials_ListedWithErrorAndRetryFailed_ThenSweepCompletes()
    {
        fixture.Executor.Failing["flaky"] = "injected: loss diverged";
        var (code, stdout, stderr) = await fixture.RunOnClusterAsync("submit", fixture.WriteGrid("flaky"), "--wait");
        var id = stdout.Trim();
        Assert.Equal(1, code);
        Assert.Contains("failed trial(s):", stderr);
        Assert.Contains("injected: loss diverged", stderr);

        // kd's stage 1 failed entirely: its stage-2 trials are blocked (not pending), and the sweep says so.
        var blocked = await JsonAsync("status", id);
        Assert.Equal("completed", blocked.GetProperty("phase").GetString());
        Assert.Equal(0, blocked.GetProperty("trials").GetProperty("pending").GetInt32());
        Assert.Equal(0, blocked.GetProperty("trials").GetProperty("running").GetInt32());
        Assert.Equal(2, blocked.GetProperty("trials").GetProperty("blocked").GetInt32());
        var (_, blockedText, _) = await fixture.RunOnClusterAsync("status", id);
        Assert.Contains("2 stage-2 trials cannot run", blockedText);
        Assert.DoesNotContain("ETA", blockedText);

        var failed = await JsonAsync("trials", id, "--status", "failed");
        Assert.True(failed.GetArrayLength() >= 2, failed.ToString());
        Assert.All(failed.EnumerateArray(), t =>
        {
            Assert.Equal("kd", t.GetProperty("method").GetString());
            Assert.EndsWith(": injected: loss diverged", t.GetProperty("lastError").GetString());
        });
        var (_, table, _) = await fixture.RunOnClusterAsync("trials", id, "--status", "failed");
        Assert.Contains("injected: loss diverged", table);

        fixture.Executor.Failing.TryRemove("flaky", out _);
        var one = failed[0].GetProperty("id").GetString()!;
        var (oneCode, oneOut, oneErr) = await fixture.RunOnClusterAsync("retry", id, "--trial", one);
        Assert.True(oneCode == 0, oneErr);
        Assert.Equal($"re-queued 1 trial of sweep {id}", oneOut.Trim());
        await WaitUntil(async () => (await fixture.Cluster.Sweeps.GetTrialsAsync(id)).Single(t => t.Spec.Id == one).Status == Contracts.Trials.TrialStatus.Succeeded);
        var (againCode, _, againErr) = await fixture.RunOnClusterAsync("retry", id, "--trial", one);
        Assert.Equal(2, againCode);
        Assert.Contains("is succeeded, not failed", againErr);

        var (retryCode, retried, _) = await fixture.RunOnClusterAsync("retry", id, "--failed");
        Assert.Equal(0, retryCode);
        Assert.Equal($"re-queued {failed.GetArrayLength() - 1} trial{(failed.GetArrayLength() == 2 ? "" : "s")} of sweep {id}", retried.Trim());

        var (watchCode, _, watchErr) = await fixture.RunOnClusterAsync("status", id, "--watch", "--interval", "0.2");
        Assert.True(watchCode == 0, watchErr);
        var status = await JsonAsync("status", id);
        Assert.Equal(TrialsPerGrid, status.GetProperty("trials").GetProperty("succeeded").GetInt32());
        Assert.Equal(0, (await JsonAsync("trials", id, "--status", "failed")).GetArrayLength());
    }

    [Fact]
    public async Task Cancel_RunningSweep_StopsItAndStatusSaysCancelled()
    {
        fixture.Executor.Blocked["stuck"] = true;
        var id = await SubmitAsync("stuck", wait: false);
        var sweeps = fixture.Cluster.Sweeps;
        // stl's two final trials and kd's two selection trials are runnable at once: all four slots of both silos fill.
        await WaitUntil(async () => (await sweeps.GetStatusAsync(id)).Trials.Running == CliClusterFixture.SiloCount * CliClusterFixture.SlotsPerSilo);
        var running = await JsonAsync("trials", id, "--status", "running");
        Assert.Equal(["silo0", "silo1"], running.EnumerateArray().Select(t => t.GetProperty("worker").GetString()!.Split('/')[0]).Distinct().Order());
        var (_, live, _) = await fixture.RunOnClusterAsync("status", id);
        Assert.Contains($"sweep {id} 'cli-stuck': running", live);
        Assert.Contains("throughput -, ETA -", live); // nothing finished yet: no rate to extrapolate from

        var (code, stdout, _) = await fixture.RunOnClusterAsync("cancel", id);

        Assert.Equal(0, code);
        Assert.StartsWith($"cancelled sweep {id}:", stdout);
        var status = await JsonAsync("status", id);
        Assert.Equal("cancelled", status.GetProperty("phase").GetString());
        Assert.Equal(0, status.GetProperty("trials").GetProperty("succeeded").GetInt32());
        Assert.Equal(0, (await JsonAsync("trials", id, "--status", "pending")).GetArrayLength());

        Assert.Equal(TrialsPerGrid, status.GetProperty("trials").GetProperty("cancelled").GetInt32()); // nothing finished: every trial is cancelled
        var (_, cancelledText, _) = await fixture.RunOnClusterAsync("status", id);
        Assert.Matches(@"all\s+0\s+0\s+0\s+0\s+6\s+0\s+6", cancelledText);

        var (retryCode, _, retryErr) = await fixture.RunOnClusterAsync("retry", id, "--failed");
        Assert.Equal(2, retryCode);
        Assert.Contains("is cancelled: resume it first", retryErr);
        var (again, _, againErr) = await fixture.RunOnClusterAsync("submit", fixture.WriteGrid("stuck"));
        Assert.Equal(2, again);
        Assert.Contains("stays cancelled; submit it with --resume", againErr);

        // Resumed: the cancelled trials run (this time they finish) and the sweep completes with every trial done once.
        fixture.Executor.Blocked.TryRemove("stuck", out _);
        fixture.Executor.ReleaseBlocked();
        var (resumeCode, resumed, resumeErr) = await fixture.RunOnClusterAsync("retry", id[..8], "--cancelled");
        Assert.True(resumeCode == 0, resumeErr);
        Assert.Equal($"resumed sweep {id}: {TrialsPerGrid} unfinished trials queued again", resumed.Trim());
        var (watchCode, _, watchErr) = await fixture.RunOnClusterAsync("status", id, "--watch", "--interval", "0.2");
        Assert.True(watchCode == 0, watchErr);
        var done = await JsonAsync("status", id);
        Assert.Equal("completed", done.GetProperty("phase").GetString());
        Assert.Equal(TrialsPerGrid, done.GetProperty("trials").GetProperty("succeeded").GetInt32());
        Assert.Equal(0, done.GetProperty("trials").GetProperty("cancelled").GetInt32());
        var (notCancelled, _, notCancelledErr) = await fixture.RunOnClusterAsync("retry", id, "--cancelled");
        Assert.Equal(2, notCancelled);
        Assert.Contains("not cancelled", notCancelledErr);
    }

    [Fact]
    public async Task Submit_ResumeCancelledSweep_RunsItsUnfinishedTrialsToTheEnd()
    {
        fixture.Executor.Slow["resume"] = TimeSpan.FromSeconds(1.5);
        var id = await SubmitAsync("resume", wait: false);
        await WaitUntil(async () => (await fixture.Cluster.Sweeps.GetStatusAsync(id)).Trials.Running > 0);
        var (cancelCode, _, _) = await fixture.RunOnClusterAsync("cancel", id);
        Assert.Equal(0, cancelCode);
        Assert.True((await fixture.Cluster.Sweeps.GetStatusAsync(id)).Trials.Succeeded < TrialsPerGrid);

        var (code, stdout, stderr) = await fixture.RunOnClusterAsync("submit", fixture.WriteGrid("resume"), "--resume", "--wait");

        Assert.True(code == 0, stderr);
        Assert.Equal(id, stdout.Trim());
        Assert.Contains($"resumed cancelled sweep {id}", stderr);
        Assert.Equal(TrialsPerGrid, (await JsonAsync("status", id)).GetProperty("trials").GetProperty("succeeded").GetInt32());
    }

    [Fact]
    public async Task SweepIds_FullIdEverywhere_AndAnEightCharacterPrefixWorksForEveryVerb()
    {
        var id = await SubmitAsync("prefix", wait: true);
        Assert.Equal(32, id.Length);
        var prefix = id[..8];

        var (statusCode, status, statusErr) = await fixture.RunOnClusterAsync("status", prefix);
        Assert.True(statusCode == 0, statusErr);
        Assert.Contains($"sweep {id} ", status); // the full id, not the prefix typed
        var (trialsCode, trials, _) = await fixture.RunOnClusterAsync("trials", prefix.ToUpperInvariant(), "--json");
        Assert.Equal(0, trialsCode);
        Assert.Equal(TrialsPerGrid, JsonDocument.Parse(trials).RootElement.GetArrayLength());
        var (resultsCode, results, resultsErr) = await fixture.RunOnClusterAsync("results", prefix, "--format", "csv");
        Assert.True(resultsCode == 0, resultsErr);
        Assert.Contains(",stl,", results);
        var (retryCode, retry, retryErr) = await fixture.RunOnClusterAsync("retry", prefix, "--failed");
        Assert.True(retryCode == 0, retryErr);
        Assert.Equal($"re-queued 0 trials of sweep {id}", retry.Trim());

        var (shortCode, _, shortErr) = await fixture.RunOnClusterAsync("status", id[..7]);
        Assert.Equal(2, shortCode);
        Assert.Contains("at least 8 characters", shortErr);
        var (notHex, _, notHexErr) = await fixture.RunOnClusterAsync("trials", "not-a-sweep-id");
        Assert.Equal(2, notHex);
        Assert.Contains("is not a sweep id", notHexErr);
    }

    [Fact]
    public async Task Results_SweepIdOnCluster_PrintsTheTable()
    {
        var id = await SubmitAsync("report", wait: true);

        var (code, stdout, stderr) = await fixture.RunOnClusterAsync("results", id);

        Assert.True(code == 0, stderr);
        Assert.Contains("| kd", stdout);
        Assert.Contains("| stl", stdout);
        var (jsonCode, json, _) = await fixture.RunOnClusterAsync("results", id, "--format", "json");
        Assert.Equal(0, jsonCode);
        JsonDocument.Parse(json);
        var (csvCode, csv, _) = await fixture.RunOnClusterAsync("results", id, "--format", "csv");
        Assert.Equal(0, csvCode);
        Assert.StartsWith(string.Join(",", AftSweep.Client.Reporting.Formats.CsvReportWriter.Header), csv);
        Assert.Contains(",stl,", csv);
        var tex = Path.Combine(fixture.GridFolder, $"{id}.tex");
        var (texCode, texOut, texErr) = await fixture.RunOnClusterAsync("results", id, "--out", tex);
        Assert.True(texCode == 0, texErr);
        Assert.Empty(texOut);
        Assert.Contains("\\begin{tabular}", File.ReadAllText(tex));
    }

    [Fact]
    public async Task Plot_SweepIdOnCluster_WritesPngAndSvg()
    {
        var id = await SubmitAsync("plot", wait: true);
        var png = Path.Combine(fixture.GridFolder, $"{id}.png");
        var svg = Path.Combine(fixture.GridFolder, $"{id}.svg");

        var (pngCode, _, pngErr) = await fixture.RunOnClusterAsync("plot", id, "--kind", "learning-curves", "--out", png);
        var (svgCode, _, svgErr) = await fixture.RunOnClusterAsync("plot", id, "--kind", "learning-curves", "--out", svg);

        Assert.True(pngCode == 0, pngErr);
        Assert.True(svgCode == 0, svgErr);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], File.ReadAllBytes(png)[..4]);
        Assert.Equal("svg", System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName);
    }

    [Fact]
    public async Task Status_NoSweepId_ListsEverySweepNewestFirst()
    {
        var older = await SubmitAsync("list-a", wait: true);
        fixture.Executor.Failing["list-b"] = "injected";
        var (code, stdout, _) = await fixture.RunOnClusterAsync("submit", fixture.WriteGrid("list-b"), "--wait");
        Assert.Equal(1, code);
        var newer = stdout.Trim();

        var json = await JsonAsync("status");
        var (textCode, text, textErr) = await fixture.RunOnClusterAsync("status");

        var ids = json.EnumerateArray().Select(s => s.GetProperty("sweepId").GetString()).ToList();
        Assert.True(ids.IndexOf(newer) >= 0 && ids.IndexOf(newer) < ids.IndexOf(older), string.Join(", ", ids));
        var started = json.EnumerateArray().Select(s => s.GetProperty("startedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(started.OrderDescending(), started);
        var a = json.EnumerateArray().Single(s => s.GetProperty("sweepId").GetString() == older);
        Assert.Equal("cli-list-a", a.GetProperty("name").GetString());
        Assert.Equal("completed", a.GetProperty("stage").GetString());
        Assert.Equal(TrialsPerGrid, a.GetProperty("done").GetInt32());
        Assert.True(a.GetProperty("updatedAt").GetDateTimeOffset() >= a.GetProperty("startedAt").GetDateTimeOffset());
        var b = json.EnumerateArray().Single(s => s.GetProperty("sweepId").GetString() == newer);
        Assert.True(b.GetProperty("failed").GetInt32() >= 2, b.ToString()); // kd's selection trials failed, so its stage 2 never ran

        Assert.True(textCode == 0, textErr);
        Assert.Matches($@"{older}\s+cli-list-a\s+completed\s+6\s+0\s+0\s+0\s+0\s+0\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d", text);
        Assert.True(text.IndexOf(newer, StringComparison.Ordinal) < text.IndexOf(older, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_StdoutNotATerminal_WatchPrintsPlainProgressLines()
    {
        fixture.Executor.Slow["process"] = TimeSpan.FromMilliseconds(700);
        var id = await SubmitAsync("process", wait: false);

        var (code, stdout, stderr) = await ToolProcess.RunAsync(fixture.GridFolder, ["status", id, "--watch", "--interval", "0.2", .. fixture.Target]);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain('\u001b', stdout); // no terminal control codes: a pipe gets plain lines
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(lines, l => Assert.Matches($@"^\d\d:\d\d:\d\d {id} (running|completed): \d/6 done, 0 failed, \d running, \d pending; throughput ", l));
        Assert.Equal(lines.Length, lines.Distinct().Count()); // a line only when something changed
        Assert.Matches(@"completed: 6/6 done, 0 failed, 0 running, 0 pending; throughput [0-9.]+ trials/min$", lines[^1]);
    }

    [Fact]
    public async Task Verbs_UnknownSweep_Exit2NamingIt()
    {
        var (code, _, stderr) = await fixture.RunOnClusterAsync("trials", "0123456789abcdef");

        Assert.Equal(2, code);
        Assert.Contains("no sweep '0123456789abcdef'", stderr);
        var (resultsCode, _, resultsErr) = await fixture.RunOnClusterAsync("results", "0123456789abcdef");
        Assert.Equal(2, resultsCode);
        Assert.Contains("is not a sweep on the cluster at", resultsErr);
        Assert.Contains("an output folder", resultsErr); // and says what else SOURCE may be
    }

    [Fact]
    public async Task Verbs_UnreachableCluster_Exit2SayingWhatWasTriedAndHowToStartASilo()
    {
        var port = FreePorts.Take(1)[0];

        var (code, stdout, stderr) = await fixture.RunAsync("status", "0123456789abcdef", "--cluster", $"localhost:{port}");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"127.0.0.1:{port}", stderr);
        Assert.Contains("dotnet run --project silo", stderr);
        var (resultsCode, _, resultsErr) = await fixture.RunAsync("results", "0123456789abcdef", "--cluster", $"localhost:{port}");
        Assert.Equal(2, resultsCode);
        Assert.Contains("dotnet run --project silo", resultsErr);
    }

    [Fact]
    public async Task Verbs_BadArguments_Exit2WithoutContactingACluster()
    {
        var (noSweep, _, noSweepErr) = await fixture.RunAsync("status", "--watch", "--cluster", "localhost:1");
        Assert.Equal(2, noSweep);
        Assert.Contains("--watch: needs a SWEEP", noSweepErr);

        var (badCluster, _, badClusterErr) = await fixture.RunAsync("trials", "abc", "--cluster", "UseDevelopmentStorage=true");
        Assert.Equal(2, badCluster);
        Assert.Contains($"expected {ClusterTarget.Forms}", badClusterErr);
        Assert.DoesNotContain("UseDevelopmentStorage", badClusterErr);

        var (badState, _, _) = await fixture.RunAsync("trials", "abc", "--status", "done", "--cluster", "localhost:1");
        Assert.Equal(2, badState);

        var bad = Path.Combine(fixture.GridFolder, "bad.json");
        File.WriteAllText(bad, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(fixture.WriteGrid("bad")), "\"steps\": \\d+", "\"steps\": -1"));
        var (badGrid, _, badGridErr) = await fixture.RunAsync("submit", bad, "--cluster", "localhost:1");
        Assert.Equal(2, badGrid);
        Assert.Contains("training.steps", badGridErr);
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("status")]
    [InlineData("trials")]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("results")]
    [InlineData("plot")]
    public async Task Verb_Help_RendersAndExits0(string verb)
    {
        var (code, _, stderr) = await fixture.RunAsync(verb, "--help");

        Assert.True(code == 0, stderr);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50);
        }
    }
}
