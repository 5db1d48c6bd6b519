using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Client.Commands.Status;
using AftSweep.Client.Commands.Trials;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Submit;

/// <summary>
/// `aftsweep submit GRID [--wait]`: validates and plans the grid, submits it, prints the sweep id. Submitting the same
/// grid again is the same sweep (the id is the grid's content hash): nothing is duplicated, a stopped sweep resumes.
/// </summary>
public sealed class SubmitCommand(CliOutput output) : AsyncCommand<SubmitCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<GRID>")]
        [Description("The grid.json file to run.")]
        public string Grid { get; init; } = "";

        [CommandOption("--wait")]
        [Description("Wait for the sweep with progress; exit 0 when every trial succeeded, 1 when some failed (named) or it was cancelled.")]
        public bool Wait { get; init; }

        [CommandOption("--json")]
        [Description("Print {sweepId, created, totalTrials} as JSON instead of the bare id.")]
        public bool Json { get; init; }

        [CommandOption("--resume")]
        [Description("Resume the sweep if it was cancelled (its unfinished trials run; finished ones are kept). Without it a cancelled sweep stays cancelled.")]
        public bool Resume { get; init; }

        [CommandOption("--max-trials <N>")]
        [Description("Refuse grids that expand to more trials than this (default 100000).")]
        public long? MaxTrials { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Plan before connecting: a bad grid is reported the same whether or not a cluster is up.
        var plan = GridFile.LoadPlan(settings.Grid, settings.MaxTrials, output);
        if (plan is null) return ExitCodes.BadInput;
        var grid = plan.Grid;

        return await ClusterVerb.RunAsync(settings, output, async (connection, calls) =>
        {
            var sweeps = connection.Sweeps;
            // The dataset and checkpoint go to the cluster's store; the silos read them from there, not from our paths.
            var staged = await new Staging.InputStager(connection.Grains, calls, note => output.Error.WriteLine(note)).StageAsync(plan, cancellationToken);
            var submission = await sweeps.SubmitAsync(staged);
            if (!submission.Created && (await sweeps.GetStatusAsync(submission.SweepId)).Phase == SweepPhase.Cancelled)
            {
                if (!settings.Resume)
                {
                    await output.Error.WriteLineAsync(
                        $"error: sweep {submission.SweepId} ('{grid.Name}') was cancelled and stays cancelled; submit it with --resume " +
                        $"(or `aftsweep retry {submission.SweepId} --cancelled`) to run its unfinished trials");
                    return ExitCodes.BadInput;
                }
                var resumed = await sweeps.ResumeAsync(submission.SweepId);
                await output.Error.WriteLineAsync($"resumed cancelled sweep {submission.SweepId}: {resumed} unfinished trial{(resumed == 1 ? "" : "s")} queued again");
            }
            if (settings.Json)
            {
                await output.Out.WriteLineAsync(JsonSerializer.Serialize(new { sweepId = submission.SweepId, created = submission.Created, totalTrials = submission.TotalTrials }));
            }
            else
            {
                await output.Out.WriteLineAsync(submission.SweepId);
            }
            await output.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(submission.Created ? "submitted" : "already submitted")} sweep '{grid.Name}': {submission.TotalTrials} trials; follow it with `aftsweep status {submission.SweepId} --watch`"));
            return settings.Wait ? await WaitAsync(sweeps, submission.SweepId, cancellationToken) : ExitCodes.Ok;
        }, cancellationToken);
    }

    private async Task<int> WaitAsync(SweepClient sweeps, string sweepId, CancellationToken cancellationToken)
    {
        string? last = null;
        var status = await sweeps.WaitForCompletionAsync(sweepId, new SyncProgress(s =>
        {
            var line = StatusReport.Build(s, [], DateTimeOffset.UtcNow).Line();
            if (line == last) return;
            last = line;
            output.Error.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {line}");
        }), TimeSpan.FromSeconds(1), cancellationToken);
        if (status.Phase == SweepPhase.Cancelled)
        {
            await output.Error.WriteLineAsync($"sweep {sweepId} was cancelled");
            return ExitCodes.TrialsFailed;
        }
        if (status.Trials.Failed == 0 && status.Trials.Blocked == 0)
        {
            await output.Error.WriteLineAsync($"sweep {sweepId} completed: {status.Trials.Succeeded} trials succeeded; tables: `aftsweep results {sweepId}`");
            return ExitCodes.Ok;
        }
        var failed = await sweeps.GetTrialsAsync(sweepId, new TrialFilter { Status = TrialStatus.Failed });
        await output.Error.WriteLineAsync($"sweep {sweepId} completed with {failed.Count} failed trial(s):");
        foreach (var trial in failed) await output.Error.WriteLineAsync($"  {TrialRow.Describe(trial)}");
        await output.Error.WriteLineAsync($"re-run them with `aftsweep retry {sweepId} --failed`");
        return ExitCodes.TrialsFailed;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the pool, which would reorder lines).</summary>
    private sealed class SyncProgress(Action<SweepStatus> report) : IProgress<SweepStatus>
    {
        public void Report(SweepStatus value) => report(value);
    }
}
