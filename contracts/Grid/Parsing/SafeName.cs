using System.Text.RegularExpressions;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Names that end up in storage keys (grid, dataset, teacher names): a safe charset, so no name can
/// escape its folder or blob prefix.</summary>
internal static partial class SafeName
{
    public const int MaxLength = 64;
    public const string Rule = "1-64 characters from A-Z a-z 0-9 . _ - , not starting with '.' (it is used in storage keys)";

    public static bool IsValid(string name) => name.Length <= MaxLength && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex Pattern();
}
