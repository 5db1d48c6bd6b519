using System.Diagnostics;

namespace AftSweep.Tests.Infrastructure;

/// <summary>A child process with stdout and stderr captured (pipes, not a terminal), killed with its tree at the time limit.</summary>
public static class ChildProcess
{
    public sealed record Result(int Code, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(ProcessStartInfo start, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo Start(string file, string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
