using System.Diagnostics;
using AftSweep.Client.Commands;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// `aftsweep status --watch` (the built tool, as a process) rides out worker silos killed with SIGKILL again and again
/// while it watches a real sweep on real silo processes: it never exits early, and ends with exit 0 when the sweep
/// completes. Bounded: six kills, the whole test within about two minutes.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class FailoverWatchTests
{
    private const int Kills = 8;
    private static readonly TimeSpan WatchLimit = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task StatusWatch_WorkerSilosKilledRepeatedly_KeepsWatchingAndExits0WhenTheSweepCompletes()
    {
        using var temp = new TempDirectory("aftsweep-rel-");
        var grid = TinyGrids.Write(temp.Path, "rel-watch",
            teachers: new { noise = "noise:64" }, combos: new[] { new[] { "noise" } },
            methods: new Dictionary<string, object> { ["stl"] = new { }, ["kd"] = new { lambdas = new[] { 0.1, 1.0 } } },
            seeds: [0, 1, 2, 3, 4, 5], steps: 1500);
        await using var cluster = new ProcessCluster(temp.Sub("cluster"), workers: 2, slotsPerWorker: 1,
            maxAttempts: Kills + 2); // the watch is under test, not the attempt budget: no trial may run out of attempts
        await cluster.StartAllAsync();
        var submit = await CliRun.InvokeAsync(["submit", grid, .. cluster.Target]);
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var sweepId = submit.Out.Trim();

        var watch = ToolProcess.RunAsync(temp.Path, ["status", sweepId, "--watch", "--interval", "0.5", "--retry-for", "60", .. cluster.Target], WatchLimit);
        var kills = 0;
        var clock = Stopwatch.StartNew();
        while (kills < Kills && !watch.IsCompleted)
        {
            await Task.WhenAny(watch, Task.Delay(TimeSpan.FromSeconds(1)));
            if (watch.IsCompleted) break;
            var victim = 1 + kills % 2;
            cluster.Kill(victim); // SIGKILL: no shutdown, its leases and grains are abandoned
            kills++;
            await Task.WhenAny(watch, Task.Delay(TimeSpan.FromSeconds(1)));
            await cluster.StartAsync(victim);
        }
        var (code, stdout, stderr) = await watch;

        Assert.True(kills >= 3, $"the sweep finished after {kills} kills in {clock.Elapsed}: make it longer\n{stdout}");
        Assert.True(code == ExitCodes.Ok, $"watch exited {code} after {kills} kills\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches($@"{sweepId} completed: (\d+)/\1 done, 0 failed, 0 running, 0 pending", lines[^1]);
        Assert.DoesNotContain("error:", stderr);
        // Every note about a failover is followed by one about recovery (or the watch would have failed).
        var notes = stderr.Split('\n').Where(l => l.StartsWith("note: the cluster did not answer", StringComparison.Ordinal)).Count();
        var recoveries = stderr.Split('\n').Where(l => l.StartsWith("note: the cluster answered again", StringComparison.Ordinal)).Count();
        Assert.Equal(notes, recoveries);
    }
}
