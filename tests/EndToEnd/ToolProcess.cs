using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.EndToEnd;

/// <summary>The built `aftsweep` as a child process: stdout and stderr are pipes (not a terminal), both captured.</summary>
public static class ToolProcess
{
    /// <summary>
    /// The tool as the client project built it. Its own output folder comes first: the copy beside these tests shares
    /// the tests' dependency set (which includes ASP.NET Core's shared framework through the silo reference), so
    /// framework assemblies the tool needs are not beside it there.
    /// </summary>
    public static string ToolPath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/<tfm>/
        var built = Path.Combine(RepositoryRoot.Find(), "client", "bin", configuration, new DirectoryInfo(AppContext.BaseDirectory).Name, "aftsweep.dll");
        if (File.Exists(built)) return built;
        var here = Path.Combine(AppContext.BaseDirectory, "aftsweep.dll");
        return File.Exists(here) ? here : throw new InvalidOperationException($"aftsweep.dll not found at {built} or {here}: build the client");
    }

    public static Task<(int Code, string Out, string Error)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, args, TimeSpan.FromSeconds(120));

    public static async Task<(int Code, string Out, string Error)> RunAsync(string workingDirectory, string[] args, TimeSpan limit)
    {
        var start = ChildProcess.Start("dotnet", workingDirectory, [ToolPath(), .. args]);
        start.Environment.Remove("AFTSWEEP_VERBOSE");
        var result = await ChildProcess.RunAsync(start, limit);
        return (result.Code, result.Stdout, result.Stderr);
    }
}
