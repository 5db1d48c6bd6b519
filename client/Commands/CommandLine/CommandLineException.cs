namespace AftSweep.Client.Commands.CommandLine;

/// <summary>A command line that names no valid verb, option or value: one line, exit 2, nothing run.</summary>
public sealed class CommandLineException(string message) : Exception(message);
