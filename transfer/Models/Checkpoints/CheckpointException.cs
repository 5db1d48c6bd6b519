namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// A checkpoint that does not fit its student: every problem found (missing, unexpected, wrongly shaped or typed
/// tensors, a config that contradicts the tensors, a layer subset out of range, an unreadable file), each naming the
/// tensor, and the file they are in. Validation reports it as one line (exit 2); a trial fails with it.
/// </summary>
public sealed class CheckpointException : Exception
{
    private const int Shown = 8;

    public CheckpointException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        Checkpoint = source;
        Problems = problems;
    }

    public CheckpointException(string source, string problem, Exception? inner = null)
        : base(Format(source, [problem]), inner)
    {
        Checkpoint = source;
        Problems = [problem];
    }

    /// <summary>The file or offline source the problems are in.</summary>
    public string Checkpoint { get; }
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        var head = $"checkpoint '{source}': {problems[0]}";
        if (problems.Count == 1) return head;
        var more = problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "";
        return $"checkpoint '{source}' has {problems.Count} problems: {string.Join("; ", problems.Take(Shown))}{more}";
    }
}
