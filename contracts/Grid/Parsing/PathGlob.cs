namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Expands <c>*</c> and <c>?</c> in the file-name part of a path (not in folders), sorted ordinally, so
/// the same files come in the same order on every machine.</summary>
internal static class PathGlob
{
    private static readonly char[] Wildcards = ['*', '?'];

    public static bool IsPattern(string path) => path.IndexOfAny(Wildcards) >= 0;

    /// <summary>The matching files, or null with <paramref name="error"/> when the pattern is unusable.</summary>
    public static IReadOnlyList<string>? Expand(string absolutePattern, out string? error)
    {
        var folder = Path.GetDirectoryName(absolutePattern) ?? "";
        var pattern = Path.GetFileName(absolutePattern);
        if (IsPattern(folder))
        {
            error = $"wildcards are only allowed in the file name, not in folders: {absolutePattern}";
            return null;
        }
        if (!Directory.Exists(folder))
        {
            error = $"folder not found: {folder}";
            return null;
        }
        var options = new EnumerationOptions { MatchType = MatchType.Simple, MatchCasing = MatchCasing.CaseSensitive, RecurseSubdirectories = false };
        var files = Directory.EnumerateFiles(folder, pattern, options).Order(StringComparer.Ordinal).ToList();
        error = files.Count == 0 ? $"no file matches {absolutePattern}" : null;
        return files.Count == 0 ? null : files;
    }
}
