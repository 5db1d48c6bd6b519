using AftSweep.Client.Commands;
using Xunit;

namespace AftSweep.Tests.EndToEnd;

/// <summary>The global error handling every verb shares: one line, no stack trace unless verbose, exit 2 for input.</summary>
public sealed class CliErrorHandlingTests
{
    [Fact]
    public async Task App_UnknownVerb_ExitsTwoWithOneLine()
    {
        var run = await CliRun.InvokeAsync("frobnicate");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task App_ValidateMissingFile_ExitsTwoWithoutStackTrace_AndVerboseShowsIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"aftsweep-no-such-{Guid.NewGuid():N}.json");

        var quiet = await CliRun.InvokeAsync("validate", missing);
        var verbose = await CliRun.InvokeAsync("validate", missing, "--verbose");

        Assert.Equal(ExitCodes.BadInput, quiet.ExitCode);
        Assert.Contains(Path.GetFileName(missing), quiet.Error);
        Assert.DoesNotContain("   at ", quiet.Error);
        Assert.Equal(ExitCodes.BadInput, verbose.ExitCode);
        Assert.Contains(Path.GetFileName(missing), verbose.Error);
    }

    [Fact]
    public void Verbosity_FlagAnywhere_IsRemovedFromTheArguments()
    {
        var (verbosity, rest) = CliVerbosity.From(["run", "--verbose", "grid.json"], _ => null);
        var (fromEnv, _) = CliVerbosity.From(["run"], name => name == CliVerbosity.EnvironmentVariable ? "1" : null);

        Assert.True(verbosity.Verbose);
        Assert.Equal(["run", "grid.json"], rest);
        Assert.True(fromEnv.Verbose);
        Assert.False(CliVerbosity.From(["run"], _ => null).Verbosity.Verbose);
    }
}
