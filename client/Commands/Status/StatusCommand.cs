using System.ComponentModel;
using AftSweep.Client.Cluster;
using AftSweep.Client.Commands.ClusterAccess;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Status;

/// <summary>
/// `aftsweep status [SWEEP] [--watch] [--json]`: one sweep per stage and cell (done/running/pending/failed, throughput,
/// ETA), or without SWEEP every sweep the cluster knows, newest first.
/// </summary>
public sealed class StatusCommand(CliOutput output) : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "[SWEEP]")]
        [Description("The sweep id `submit` or `run` printed, or at least 8 of its first characters. Omitted: list every sweep the cluster knows, newest first.")]
        public string? Sweep { get; init; }

        [CommandOption("--watch")]
        [Description("Refresh until the sweep is done (live display on a terminal, one line per change otherwise).")]
        public bool Watch { get; init; }

        [CommandOption("--interval <SECONDS>")]
        [Description("--watch: seconds between refreshes (default 2).")]
        public double Interval { get; init; } = 2;

        [CommandOption("--json")]
        [Description("Print one JSON object (for scripts).")]
        public bool Json { get; init; }

        [CommandOption("--state <DIR>")]
        [Description("Read the sweeps of this state folder (the --state of `aftsweep run`), read-only, instead of a cluster; works while a `run` uses it.")]
        public string? StateFolder { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : Interval is <= 0 or > 3600 ? ValidationResult.Error($"--interval: must be between 0 and 3600 seconds, got {Interval}")
            : StateFolder is not null && Cluster is not null ? ValidationResult.Error("--state and --cluster: read a sweep from one of them, not both")
            : Watch && StateFolder is not null ? ValidationResult.Error("--watch: follows a sweep on a cluster; against a state folder, run `aftsweep status SWEEP --state DIR` again (or watch the `run` that uses it)")
            : Watch && string.IsNullOrWhiteSpace(Sweep) ? ValidationResult.Error("--watch: needs a SWEEP to follow (`aftsweep status` without one lists the sweeps)")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.StateFolder is { } folder)
        {
            return await StateFolderVerb.RunAsync(folder, output, sweeps =>
            {
                if (string.IsNullOrWhiteSpace(settings.Sweep))
                {
                    var list = new SweepList(sweeps.List(), $"no sweeps in state folder {sweeps.Folder} yet (`aftsweep run GRID --state {sweeps.Folder}` starts one)");
                    if (settings.Json) list.WriteJson(output.Out);
                    else list.WriteText(output.Out);
                    return Task.FromResult(ExitCodes.Ok);
                }
                var id = sweeps.Resolve(settings.Sweep);
                var report = StatusReport.Build(sweeps.Status(id), sweeps.Records(id), DateTimeOffset.UtcNow);
                if (settings.Json) report.WriteJson(output.Out);
                else report.WriteText(output.Out);
                return Task.FromResult(ExitCodes.Ok);
            }, cancellationToken);
        }
        return await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            if (string.IsNullOrWhiteSpace(settings.Sweep))
            {
                var list = new SweepList(await sweeps.ListAsync());
                if (settings.Json) list.WriteJson(output.Out);
                else list.WriteText(output.Out);
                return ExitCodes.Ok;
            }
            var id = await sweeps.ResolveAsync(settings.Sweep);
            if (!settings.Watch)
            {
                var report = await LoadAsync(sweeps, id);
                if (settings.Json) report.WriteJson(output.Out);
                else report.WriteText(output.Out);
                return ExitCodes.Ok;
            }
            var interval = TimeSpan.FromSeconds(settings.Interval);
            var final = ReferenceEquals(output, CliOutput.Console) && !Console.IsOutputRedirected && !settings.Json
                ? await WatchLiveAsync(sweeps, id, interval, cancellationToken)
                : await WatchPlainAsync(sweeps, id, interval, settings.Json, cancellationToken);
            var t = final.Status.Trials;
            return t.Failed > 0 || t.Blocked > 0 || final.Status.Phase == Contracts.Cluster.SweepPhase.Cancelled ? ExitCodes.TrialsFailed : ExitCodes.Ok;
        }, cancellationToken);
    }

    public static async Task<StatusReport> LoadAsync(SweepClient sweeps, string sweepId)
    {
        var status = await sweeps.GetStatusAsync(sweepId);
        var records = await sweeps.GetRecordsAsync(sweepId);
        return StatusReport.Build(status, records, DateTimeOffset.UtcNow);
    }

    private async Task<StatusReport> WatchPlainAsync(SweepClient sweeps, string sweepId, TimeSpan interval, bool json, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var report = await LoadAsync(sweeps, sweepId);
            var line = report.Line();
            // Not a terminal: a line only when something changed, so logs stay readable.
            if (line != last)
            {
                if (json) report.WriteJson(output.Out);
                else await output.Out.WriteLineAsync($"{DateTimeOffset.Now:HH:mm:ss} {line}");
                await output.Out.FlushAsync(cancellationToken);
                last = line;
            }
            if (report.Status.IsDone) return report;
            await Task.Delay(interval, cancellationToken);
        }
    }

    private static async Task<StatusReport> WatchLiveAsync(SweepClient sweeps, string sweepId, TimeSpan interval, CancellationToken cancellationToken)
    {
        var report = await LoadAsync(sweeps, sweepId);
        await AnsiConsole.Live(Render(report)).StartAsync(async live =>
        {
            while (!report.Status.IsDone)
            {
                await Task.Delay(interval, cancellationToken);
                report = await LoadAsync(sweeps, sweepId);
                live.UpdateTarget(Render(report));
            }
        });
        return report;
    }

    private static Spectre.Console.Rendering.IRenderable Render(StatusReport report)
    {
        var writer = new StringWriter();
        report.WriteText(writer);
        var t = report.Status.Trials;
        var chart = new BreakdownChart().Width(60)
            .AddItem("done", t.Succeeded, Color.Green)
            .AddItem("running", t.Running + t.Leased, Color.Yellow)
            .AddItem("pending", t.Pending, Color.Grey)
            .AddItem("failed", t.Failed, Color.Red)
            .AddItem("cancelled", t.Cancelled, Color.Orange1)
            .AddItem("blocked", t.Blocked, Color.Purple);
        return new Rows(new Text(writer.ToString()), chart);
    }
}
