namespace AftSweep.Tests.Infrastructure;

/// <summary>The checkout the tests run from (the folder holding AftSweep.sln).</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AftSweep.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no AftSweep.sln above {AppContext.BaseDirectory}");
    }
}
