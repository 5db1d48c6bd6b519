namespace AftSweep.Client.Commands;

/// <summary>
/// Whether to log and show stack traces: <c>--verbose</c> anywhere on the command line (every verb accepts it) or
/// AFTSWEEP_VERBOSE=1.
/// </summary>
public sealed record CliVerbosity(bool Verbose)
{
    public const string Flag = "--verbose";
    public const string EnvironmentVariable = "AFTSWEEP_VERBOSE";

    /// <summary>The flag's value, and the arguments without it (so verbs need not declare it).</summary>
    public static (CliVerbosity Verbosity, string[] Args) From(string[] args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var env = environment(EnvironmentVariable);
        var verbose = args.Contains(Flag, StringComparer.Ordinal) || env is "1" or "true" or "TRUE" or "True";
        return (new CliVerbosity(verbose), args.Where(a => a != Flag).ToArray());
    }
}
