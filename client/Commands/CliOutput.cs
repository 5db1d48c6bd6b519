namespace AftSweep.Client.Commands;

/// <summary>Where verbs write: the console in the tool, string writers in tests.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error)
{
    public static CliOutput Console { get; } = new(System.Console.Out, System.Console.Error);
}
