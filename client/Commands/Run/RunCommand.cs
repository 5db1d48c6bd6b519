using AftSweep.Client.Cluster;
using AftSweep.Client.Reporting.Formats;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Options;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Sqlite;
using AftSweep.Workers.Engine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Run;

/// <summary>
/// `aftsweep run GRID`: the embedded default. Plans the grid, hosts one silo in this process with the real trial
/// engine, runs the sweep with live progress, then writes the records, tables and figures and prints the table.
/// Re-running on the same state folder resumes; finished trials are never re-run.
/// </summary>
public sealed class RunCommand(CliOutput output, CliVerbosity verbosity) : AsyncCommand<RunSettings>
{
    public const int MaxSlots = 64;

    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var slots = settings.Slots ?? 1;
        if (slots is < 1 or > MaxSlots) throw new ArgumentException($"--slots: must be 1-{MaxSlots}, got {slots}");

        // Everything about the input is checked before any state is written.
        var plan = GridFile.LoadPlan(settings.Grid, null, output);
        if (plan is null) return ExitCodes.BadInput;
        var grid = plan.Grid;
        var state = Path.GetFullPath(settings.State ?? RunSettings.DefaultState);
        var outFolder = Path.GetFullPath(settings.Out ?? Path.Combine("aftsweep-out", $"{grid.Name}-{plan.SweepId}"));
        // --store, else $AFTSWEEP_STORAGE (the engine resolves a null store from it), else the state folder's store.
        var store = settings.Store ?? (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Infra.Storage.StoreLocation.EnvironmentVariable)) ? Path.Combine(state, "store") : null);
        var engine = new EngineOptions { Store = store, CpuSlots = slots };

        await output.Error.WriteLineAsync(
            $"sweep {plan.SweepId} '{grid.Name}': {plan.TotalTrialCount} trials ({plan.SelectionTrialCount} selection, {plan.FinalTrialCount} final), " +
            $"{slots} slot{(slots == 1 ? "" : "s")}, {engine.ResolveTorchThreads()} torch thread{(engine.ResolveTorchThreads() == 1 ? "" : "s")} each, state {state}");

        SweepStatus status;
        IReadOnlyList<TrialRecord> records;
        try
        {
            // Opened first (and held, so the silo shares it): a state folder written by an earlier AftSweep is imported
            // into the database now, and the user is told.
            await using var database = StateDatabases.Sqlite(state, flushToDisk: EmbeddedCluster.FlushToDisk);
            await database.Database.EnsureReadyAsync(cancellationToken);
            if (((SqliteStateDatabase)database.Database).Imported is { } imported) await output.Error.WriteLineAsync(imported.Describe());
            await using var cluster = await EmbeddedCluster.StartAsync(state, executor: null,
                workers: new WorkerSlotOptions { Devices = "cpu", SlotsPerDevice = slots },
                configureServices: services => services.AddAftSweepEngine(engine),
                logging: verbosity.Verbose ? l => l.AddProvider(new StderrLoggerProvider(output.Error, LogLevel.Information)) : null,
                cancellationToken: cancellationToken);
            var submission = await cluster.Sweeps.SubmitAsync(plan);
            if (!submission.Created) await output.Error.WriteLineAsync($"resuming sweep {plan.SweepId} from {state}");
            if (settings.RetryFailed && !submission.Created)
            {
                var requeued = await cluster.Sweeps.RetryAsync(plan.SweepId);
                await output.Error.WriteLineAsync($"re-queued {requeued} failed trial{(requeued == 1 ? "" : "s")}");
            }
            status = await WaitAsync(cluster.Sweeps, plan.SweepId, cancellationToken);
            records = await cluster.Sweeps.GetRecordsAsync(plan.SweepId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.Error.WriteLineAsync($"interrupted: finished trials are kept in {state}; run the same command again to resume");
            return ExitCodes.Interrupted;
        }

        if (status.Phase == SweepPhase.Cancelled)
            await output.Error.WriteLineAsync($"sweep {plan.SweepId} was cancelled: reporting the {records.Count} trials that finished");
        var outputs = RunOutputs.Write(outFolder, records, grid.Seeds.Count);
        foreach (var skipped in outputs.Skipped) await output.Error.WriteLineAsync($"figure skipped: {skipped}");
        await output.Error.WriteLineAsync($"wrote {records.Count} records, tables and figures to {outFolder}");
        var text = ReportFormats.Writer(settings.Json ? ReportFormat.Json : ReportFormat.Markdown).Write(outputs.Report);
        await output.Out.WriteAsync(text);
        await output.Out.FlushAsync(cancellationToken);

        var failed = records.Where(r => r.Status == TrialStatus.Failed).OrderBy(r => r.Spec.Id, StringComparer.Ordinal).ToList();
        var unfinished = status.Trials.Total - status.Trials.Succeeded - failed.Count;
        if (failed.Count == 0 && status.Phase == SweepPhase.Completed) return ExitCodes.Ok;
        foreach (var record in failed)
            await output.Error.WriteLineAsync($"failed: {SweepAggregator.Describe(record)}: {record.Errors.LastOrDefault() ?? "no error recorded"}");
        await output.Error.WriteLineAsync(
            $"{failed.Count} trial{(failed.Count == 1 ? "" : "s")} failed{(unfinished > 0 ? $", {unfinished} did not run" : "")} (state in {state}); " +
            "once the cause is fixed, run the same command with --retry-failed");
        return ExitCodes.TrialsFailed;
    }

    private async Task<SweepStatus> WaitAsync(SweepClient sweeps, string sweepId, CancellationToken cancellationToken)
    {
        var interactive = ReferenceEquals(output, CliOutput.Console) && !Console.IsErrorRedirected;
        if (!interactive) return await sweeps.WaitForCompletionAsync(sweepId, new PlainRunProgress(output.Error), cancellationToken: cancellationToken);
        var live = new LiveRunProgress();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await live.RenderAsync(console, () => sweeps.WaitForCompletionAsync(sweepId, live, cancellationToken: cancellationToken));
    }
}
