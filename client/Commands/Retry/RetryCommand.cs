using System.ComponentModel;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Retry;

/// <summary>`aftsweep retry SWEEP [--failed | --trial ID]`: re-queue failed trials with a fresh attempt budget.</summary>
public sealed class RetryCommand(CliOutput output) : AsyncCommand<RetryCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SWEEP>")]
        [Description("The sweep id.")]
        public string Sweep { get; init; } = "";

        [CommandOption("--failed")]
        [Description("Re-queue every failed trial (the default when --trial is not given).")]
        public bool Failed { get; init; }

        [CommandOption("--trial <ID>")]
        [Description("Re-queue only this failed trial (an id from `aftsweep trials SWEEP --state failed`).")]
        public string? Trial { get; init; }

        public override ValidationResult Validate() =>
            Failed && Trial is not null ? ValidationResult.Error("--failed and --trial: give one or the other") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            var status = await sweeps.GetStatusAsync(settings.Sweep);
            if (status.Phase == SweepPhase.Cancelled)
            {
                // Cancellation is final for a sweep id (its grid hash): only a changed grid runs again.
                await output.Error.WriteLineAsync($"error: sweep {settings.Sweep} is cancelled, so nothing can be retried; change the grid (e.g. its name) and submit it as a new sweep");
                return ExitCodes.BadInput;
            }
            if (settings.Trial is { } id)
            {
                // Say why nothing happened rather than "0 re-queued": unknown id or a trial that did not fail.
                var trial = (await sweeps.GetTrialsAsync(settings.Sweep)).FirstOrDefault(t => t.Spec.Id == id.Trim());
                if (trial is null)
                {
                    await output.Error.WriteLineAsync($"error: --trial: sweep {settings.Sweep} has no trial '{id}' (see `aftsweep trials {settings.Sweep}`)");
                    return ExitCodes.BadInput;
                }
                if (trial.Status != TrialStatus.Failed)
                {
                    await output.Error.WriteLineAsync($"error: --trial: trial {id} is {Trials.TrialRow.StateName(trial.Status)}, not failed: nothing to retry");
                    return ExitCodes.BadInput;
                }
            }
            var count = await sweeps.RetryAsync(settings.Sweep, settings.Trial?.Trim());
            await output.Out.WriteLineAsync($"re-queued {count} trial{(count == 1 ? "" : "s")} of sweep {settings.Sweep}");
            return ExitCodes.Ok;
        }, cancellationToken);
}
