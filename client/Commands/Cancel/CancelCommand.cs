using System.ComponentModel;
using AftSweep.Client.Commands.ClusterAccess;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Cancel;

/// <summary>`aftsweep cancel SWEEP`: pending trials are dropped, running ones stop at their next heartbeat; records stay.</summary>
public sealed class CancelCommand(CliOutput output) : AsyncCommand<CancelCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SWEEP>")]
        [Description("The sweep id.")]
        public string Sweep { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            await sweeps.GetStatusAsync(settings.Sweep);
            var count = await sweeps.CancelAsync(settings.Sweep);
            await output.Out.WriteLineAsync($"cancelled sweep {settings.Sweep}: {count} unfinished trial{(count == 1 ? "" : "s")} stopped; finished trials keep their records");
            return ExitCodes.Ok;
        }, cancellationToken);
}
