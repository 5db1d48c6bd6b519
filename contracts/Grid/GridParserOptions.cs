namespace AftSweep.Contracts.Grid;

/// <summary>Limits the grid parser enforces. Defaults follow grid.md.</summary>
public sealed record GridParserOptions
{
    public const long DefaultMaxTrials = 100_000;
    public const long DefaultMaxFileBytes = 1024 * 1024;
    public const int DefaultMaxDepth = 16;

    public static GridParserOptions Default { get; } = new();

    /// <summary>A grid expanding to more trials than this (stage 1 + stage 2) is refused.</summary>
    public long MaxTrials { get; init; } = DefaultMaxTrials;

    /// <summary>Grid files larger than this are refused before parsing.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>JSON nesting deeper than this is refused (a v1 grid needs 4 levels).</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>Check that dataset files, teacher files and the init file exist (and read tsv/csv headers).</summary>
    public bool CheckFiles { get; init; } = true;
}
