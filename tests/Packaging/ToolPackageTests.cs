using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Packaging;

/// <summary>
/// `dotnet pack` the client as the `aftsweep` dotnet tool, install it from that folder with `dotnet tool install
/// --tool-path`, and run it. Opt-in (set AFTSWEEP_PACK_TEST=1): the package carries libtorch and is about 600 MB, so
/// packing and unpacking it takes minutes and gigabytes, too much for every test run.
/// </summary>
public sealed class ToolPackageTests
{
    public const string OptInVariable = "AFTSWEEP_PACK_TEST";

    [PackFact]
    public async Task Pack_ClientAsTool_InstallsFromLocalFolderAndRunsVersion()
    {
        using var temp = new TempDirectory();
        var packages = temp.Sub("packages");
        var tools = temp.Sub("tools");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/<tfm>/

        // --no-build: pack what the test build already compiled (the client is a dependency of this project).
        var pack = await DotnetAsync(RepositoryRoot.Find(), "pack", "client", "--no-build", "-c", configuration, "-o", packages);
        Assert.True(pack.Code == 0, pack.Diagnostic);
        var package = Assert.Single(Directory.GetFiles(packages, "AftSweep.*.nupkg"));

        var install = await DotnetAsync(temp.Path, "tool", "install", "AftSweep", "--tool-path", tools, "--add-source", packages, "--version", VersionOf(package));
        Assert.True(install.Code == 0, install.Diagnostic);

        var run = await ProcessAsync(Path.Combine(tools, "aftsweep"), temp.Path, "version");
        Assert.True(run.Code == 0, run.Diagnostic);
        Assert.Matches(@"^aftsweep \d+\.\d+\.\d+", run.Stdout.Trim());
    }

    private static string VersionOf(string package) => Path.GetFileNameWithoutExtension(package)["AftSweep.".Length..];

    private static Task<(int Code, string Stdout, string Diagnostic)> DotnetAsync(string directory, params string[] args) => ProcessAsync("dotnet", directory, args);

    private static async Task<(int Code, string Stdout, string Diagnostic)> ProcessAsync(string file, string directory, params string[] args)
    {
        var result = await ChildProcess.RunAsync(ChildProcess.Start(file, directory, args), TimeSpan.FromMinutes(10));
        return (result.Code, result.Stdout, $"{file} {string.Join(' ', args)}: exit {result.Code}\n{result.Stdout}\n{result.Stderr}");
    }
}

/// <summary>A fact that runs only when <see cref="ToolPackageTests.OptInVariable"/> is 1, and says how to opt in otherwise.</summary>
public sealed class PackFactAttribute : FactAttribute
{
    public PackFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(ToolPackageTests.OptInVariable) != "1")
            Skip = $"packs and installs a ~600 MB tool package (minutes): set {ToolPackageTests.OptInVariable}=1 to run it";
    }
}
