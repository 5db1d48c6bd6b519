using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Version;

public sealed class VersionCommand : Command<VersionCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Machine-readable output.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var version = typeof(VersionCommand).Assembly.GetName().Version?.ToString() ?? "0";
        Console.Out.WriteLine(settings.Json
            ? $"{{\"aftsweep\":\"{version}\",\"trials\":\"{Contracts.CodeVersion.Trials}\"}}"
            : $"aftsweep {version} (trials {Contracts.CodeVersion.Trials})");
        return 0;
    }
}
