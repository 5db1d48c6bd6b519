using AftSweep.Client.Commands;

namespace AftSweep.Tests.EndToEnd;

/// <summary>One in-process CLI invocation: exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> InvokeAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AftSweepApp.RunAsync(args, new CliOutput(stdout, stderr));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
