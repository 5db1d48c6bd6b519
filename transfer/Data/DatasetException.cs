namespace AftSweep.Transfer.Data;

/// <summary>
/// A dataset (or precomputed-features) file that cannot be used as given. The message names the file, the place
/// in it (row, line, member, item) and what was expected, so the user can fix the input; the CLI maps it to exit 2.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string file, string? location, string problem, Exception? inner = null)
        : base(Format(file, location, problem), inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file (or folder, or grid field such as <c>dataset.template</c>) at fault.</summary>
    public string File { get; }
    /// <summary>"line 17", "member train/cat/0001.jpg", "item 3"; null when the whole file is at fault.</summary>
    public string? Location { get; }
    /// <summary>What is wrong and what was expected.</summary>
    public string Problem { get; }

    private static string Format(string file, string? location, string problem) =>
        location is null ? $"{file}: {problem}" : $"{file}: {location}: {problem}";
}
