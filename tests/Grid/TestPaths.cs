namespace AftSweep.Tests.Grid;

/// <summary>Where the test grids (copied next to the test binaries) and the repository's examples are.</summary>
internal static class TestPaths
{
    public static string Grids => Path.Combine(AppContext.BaseDirectory, "Grids");

    public static string BadGrids => Path.Combine(Grids, "bad");

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Examples => Path.Combine(RepoRoot, "examples");

    public static IEnumerable<string> ExampleGrids => Directory.EnumerateFiles(Examples, "*.json").Order(StringComparer.Ordinal);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AftSweep.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no AftSweep.sln above {AppContext.BaseDirectory}");
    }
}
