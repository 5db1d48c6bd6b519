using System.ComponentModel;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Retry;

/// <summary>
/// `aftsweep retry SWEEP [--failed | --trial ID | --cancelled]`: re-queue failed trials with a fresh attempt budget,
/// or resume a cancelled sweep (its cancelled and never-started trials are queued again; finished ones are kept).
/// </summary>
public sealed class RetryCommand(CliOutput output) : AsyncCommand<RetryCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SWEEP>")]
        [Description("The sweep id, or at least 8 of its first characters.")]
        public string Sweep { get; init; } = "";

        [CommandOption("--failed")]
        [Description("Re-queue every failed trial (the default when neither --trial nor --cancelled is given).")]
        public bool Failed { get; init; }

        [CommandOption("--trial <ID>")]
        [Description("Re-queue only this failed trial (an id from `aftsweep trials SWEEP --status failed`).")]
        public string? Trial { get; init; }

        [CommandOption("--cancelled")]
        [Description("Resume a cancelled sweep: its cancelled and not yet started trials run; finished trials keep their records.")]
        public bool Cancelled { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : new[] { Failed, Trial is not null, Cancelled }.Count(x => x) > 1 ? ValidationResult.Error("--failed, --trial and --cancelled: give one of them")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            var id = await sweeps.ResolveAsync(settings.Sweep);
            var status = await sweeps.GetStatusAsync(id);
            if (settings.Cancelled)
            {
                if (status.Phase != SweepPhase.Cancelled)
                {
                    await output.Error.WriteLineAsync($"error: --cancelled: sweep {id} is {Status.StatusReport.Phase(status.Phase)}, not cancelled: nothing to resume");
                    return ExitCodes.BadInput;
                }
                var resumed = await sweeps.ResumeAsync(id);
                await output.Out.WriteLineAsync($"resumed sweep {id}: {resumed} unfinished trial{(resumed == 1 ? "" : "s")} queued again");
                return ExitCodes.Ok;
            }
            if (status.Phase == SweepPhase.Cancelled)
            {
                await output.Error.WriteLineAsync($"error: sweep {id} is cancelled: resume it first with `aftsweep retry {id} --cancelled`, then retry its failed trials");
                return ExitCodes.BadInput;
            }
            if (settings.Trial is { } trialId)
            {
                // Say why nothing happened rather than "0 re-queued": unknown id or a trial that did not fail.
                var trial = (await sweeps.GetTrialsAsync(id)).FirstOrDefault(t => t.Spec.Id == trialId.Trim());
                if (trial is null)
                {
                    await output.Error.WriteLineAsync($"error: --trial: sweep {id} has no trial '{trialId}' (see `aftsweep trials {id}`)");
                    return ExitCodes.BadInput;
                }
                if (trial.Status != TrialStatus.Failed)
                {
                    await output.Error.WriteLineAsync($"error: --trial: trial {trialId} is {Trials.TrialRow.StateName(trial.Status)}, not failed: nothing to retry");
                    return ExitCodes.BadInput;
                }
            }
            var count = await sweeps.RetryAsync(id, settings.Trial?.Trim());
            await output.Out.WriteLineAsync($"re-queued {count} trial{(count == 1 ? "" : "s")} of sweep {id}");
            return ExitCodes.Ok;
        }, cancellationToken);
}
