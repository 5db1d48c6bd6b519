using AftSweep.Client.Commands.CommandLine;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>The command tree of `aftsweep`. Each verb lives in its own folder under Commands/.</summary>
public static class AftSweepApp
{
    /// <param name="output">Where verbs write; the console when null (tests pass string writers).</param>
    /// <param name="cancellationToken">Stops the verb (Ctrl-C in the tool; the console's handler is added when <paramref name="output"/> is the console).</param>
    public static async Task<int> RunAsync(string[] args, CliOutput? output = null, CancellationToken cancellationToken = default)
    {
        output ??= CliOutput.Console;
        var (verbosity, rest) = CliVerbosity.From(args);
        if (rest is ["--version"])
        {
            await output.Out.WriteLineAsync($"aftsweep {Version.VersionCommand.ToolVersion}");
            return ExitCodes.Ok;
        }
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.Settings.Registrar.RegisterInstance(output);
            config.Settings.Registrar.RegisterInstance(verbosity);
            Configure(config, new VerbCatalog());
        });

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler? onCancel = null;
        if (ReferenceEquals(output, CliOutput.Console))
        {
            // The first Ctrl-C stops cleanly (the verb cancels its wait and shuts its silo down); a second one kills.
            onCancel = (_, e) =>
            {
                if (interrupt.IsCancellationRequested) return;
                e.Cancel = true;
                output.Error.WriteLine("stopping (Ctrl-C again to kill)...");
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
        }
        try
        {
            // Nothing runs unless every option is one the verb has, with a value of its type.
            StrictCommandLine.Check(rest, Verbs);
            return await app.RunAsync(rest, interrupt.Token);
        }
        catch (Exception e)
        {
            return await ReportAsync(e, output, verbosity, interrupt.IsCancellationRequested);
        }
        finally
        {
            if (onCancel is not null) Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>One line per error, no stack trace unless verbose: bad input is exit 2, an interruption 130, anything else 1.</summary>
    private static async Task<int> ReportAsync(Exception e, CliOutput output, CliVerbosity verbosity, bool interrupted)
    {
        if (e is OperationCanceledException && interrupted)
        {
            await output.Error.WriteLineAsync("interrupted; run the same command again to resume");
            return ExitCodes.Interrupted;
        }
        var badInput = CliErrorKinds.IsBadInput(e);
        await output.Error.WriteLineAsync($"error: {CliErrorKinds.Message(e)}");
        if (verbosity.Verbose) await output.Error.WriteLineAsync(e.ToString());
        else if (!badInput) await output.Error.WriteLineAsync($"(run with {CliVerbosity.Flag} or {CliVerbosity.EnvironmentVariable}=1 for details)");
        return badInput ? ExitCodes.BadInput : ExitCodes.TrialsFailed;
    }

    /// <summary>Every verb and its options, as <see cref="Configure"/> registers them.</summary>
    public static VerbCatalog Verbs { get; } = Catalog();

    private static VerbCatalog Catalog()
    {
        var catalog = new VerbCatalog();
        new CommandApp().Configure(config => Configure(config, catalog));
        return catalog;
    }

    public static void Configure(IConfigurator config, VerbCatalog verbs)
    {
        config.SetApplicationName("aftsweep");
        config.PropagateExceptions();
        config.UseStrictParsing();
        verbs.Add<Version.VersionCommand>(config, "version").WithDescription("Print the tool, trial-code and library versions (`aftsweep --version`: the tool's alone).");
        config.Settings.Registrar.Register<Reporting.Records.ITrialRecordSource, Reporting.Records.FolderOrSweepRecordSource>();
        verbs.Add<Run.RunCommand>(config, "run")
            .WithDescription("Run a grid on this machine (embedded silo): live progress, then the tables and figures. Re-running resumes.");
        verbs.Add<Validate.ValidateCommand>(config, "validate").WithDescription("Check a grid.json: exit 0 when valid, 2 with every problem listed.");
        verbs.Add<Plan.PlanCommand>(config, "plan").WithDescription("Show the cells and trials (per stage) a grid expands to.");
        verbs.Add<Results.ResultsCommand>(config, "results").WithDescription("The paper's tables (md, csv, latex, json) from a sweep's trial records.");
        verbs.Add<Plot.PlotCommand>(config, "plot").WithDescription("The paper's figures (PNG or SVG) from a sweep's trial records.");
        verbs.Add<Submit.SubmitCommand>(config, "submit").WithDescription("Validate, plan and submit a grid to a cluster; print the sweep id (--wait: follow it to the end).");
        verbs.Add<Status.StatusCommand>(config, "status").WithDescription("A sweep's progress per stage and cell: done/running/pending/failed, throughput, ETA (--watch refreshes); without SWEEP, every sweep the cluster knows.");
        verbs.Add<Trials.TrialsCommand>(config, "trials").WithDescription("A sweep's trials: id, method, lambda, combo, seed, stage, attempts, silo/slot, last error.");
        verbs.Add<Retry.RetryCommand>(config, "retry").WithDescription("Re-queue a sweep's failed trials (--failed) or one trial (--trial ID).");
        verbs.Add<Cancel.CancelCommand>(config, "cancel").WithDescription("Cancel a sweep: pending trials dropped, running ones stopped; records kept.");
        config.AddBranch("features", features =>
        {
            features.SetDescription("Teacher features in the feature store.");
            verbs.Add<Features.FeaturesExtractCommand>(features, "features", "extract").WithDescription("Extract every feature set a grid needs (resumes shard by shard).");
            verbs.Add<Features.FeaturesLsCommand>(features, "features", "ls").WithDescription("List the feature sets in a store: teacher, dataset, split, rows, dims, size, status.");
        });
        config.AddBranch("db", db =>
        {
            db.SetDescription("The state database (SQLite in a state folder, or a PostgreSQL cluster's).");
            verbs.Add<Db.DbInitCommand>(db, "db", "init").WithDescription("Create or upgrade the state database's schema (idempotent): --cluster postgres[[:CONNECTION_STRING]], or --state DIR for SQLite.");
        });
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks: training steps, feature store and extraction, scheduler.");
            verbs.Add<Bench.Step.BenchStepCommand>(bench, "bench", "step")
                .WithDescription("Training steps per second of each method on one model and batch, and the ratio to stl.");
            verbs.Add<Bench.Features.BenchFeaturesCommand>(bench, "bench", "features").WithDescription("Shard read MB/s from the local cache and the blob store; teacher rows/s.");
            verbs.Add<Bench.Scheduler.BenchSchedulerCommand>(bench, "bench", "scheduler").WithDescription("Scheduling throughput and lease-to-commit latency with no-op trials (per trial: from its slot receiving the lease to the slot receiving the durable commit's acknowledgement, including waits within a leased batch).");
        });
    }
}
