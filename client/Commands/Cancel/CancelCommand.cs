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
        [Description("The sweep id, or at least 8 of its first characters.")]
        public string Sweep { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            var id = await sweeps.ResolveAsync(settings.Sweep);
            var count = await sweeps.CancelAsync(id);
            await output.Out.WriteLineAsync($"cancelled sweep {id}: {count} unfinished trial{(count == 1 ? "" : "s")} stopped; finished trials keep their records");
            await output.Error.WriteLineAsync($"resume it with `aftsweep retry {id} --cancelled` (or `aftsweep submit GRID --resume`)");
            return ExitCodes.Ok;
        }, cancellationToken);
}
