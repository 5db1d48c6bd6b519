using System.Diagnostics;
using AftSweep.Client.Commands;
using AftSweep.Tests.Infrastructure;
using Xunit;

namespace AftSweep.Tests.EndToEnd;

/// <summary>The built `aftsweep` as a child process: the real entry point, console and exit code.</summary>
public sealed class ProcessRunTests
{
    [Fact]
    public async Task Process_RunTinyGrid_ExitsZeroAndPrintsTheTable()
    {
        using var temp = new TempDirectory();
        var grid = TinyGrids.Write(temp.Path, "e2e-process",
            teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0]);

        var (code, stdout, stderr) = await RunAsync(temp.Path, "run", grid, "--state", temp.Sub("state"), "--out", temp.Sub("out"));

        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith("# AftSweep results", stdout);
        Assert.Contains("| stl |", stdout);
        Assert.True(File.Exists(Path.Combine(temp.Sub("out"), "results.md")));
        Assert.Contains("selection 0/0", stderr); // plain progress lines, since stderr is not a terminal
    }

    [Fact]
    public async Task Process_BadGrid_ExitsTwo()
    {
        using var temp = new TempDirectory();
        var grid = temp.Sub("bad.json");
        File.WriteAllText(grid, "{ not json");

        var (code, stdout, stderr) = await RunAsync(temp.Path, "run", grid, "--state", temp.Sub("state"));

        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(temp.Sub("state")));
    }

    [Fact]
    public async Task Process_CtrlC_ExitsInterruptedAndRerunFinishesTheSweep()
    {
        using var temp = new TempDirectory();
        var grid = TinyGrids.Write(temp.Path, "e2e-interrupt",
            teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0, 1, 2], steps: 4000);
        var state = temp.Sub("state");
        // As from a terminal: a test host started in the background (`cmd &`) inherits SIGINT ignored, and so would the
        // tool, which then rightly ignores Ctrl-C; env restores the default disposition first.
        var start = new ProcessStartInfo("env") { WorkingDirectory = temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", ToolPath(), "run", grid, "--state", state, "--out", temp.Sub("out") }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        // Interrupt as soon as the progress line shows a trial running (its lease is in the database): the sweep is mid-run.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        bool Running() { lock (stderr) return System.Text.RegularExpressions.Regex.IsMatch(stderr.ToString(), @"\(running [1-9]"); }
        while (!Running() && !process.HasExited && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.False(process.HasExited, "the run ended before it could be interrupted");

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;

        string text;
        lock (stderr) text = stderr.ToString();
        Assert.True(process.ExitCode == ExitCodes.Interrupted, $"exit {process.ExitCode}\n{text}");
        Assert.Contains("interrupted", text);
        Assert.True(File.Exists(Path.Combine(state, AftSweep.Infra.Database.Sqlite.SqliteStateDatabase.FileName)));

        var rerun = await CliRun.InvokeAsync("run", grid, "--state", state, "--out", temp.Sub("out"));
        Assert.True(rerun.ExitCode == ExitCodes.Ok, rerun.ToString());
        Assert.Contains("resuming sweep", rerun.Error);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(temp.Sub("out"), "records"), "*.json").Length);
    }

    private static string ToolPath() => ToolProcess.ToolPath();

    private static Task<(int Code, string Out, string Error)> RunAsync(string workingDirectory, params string[] args) =>
        ToolProcess.RunAsync(workingDirectory, args);
}
