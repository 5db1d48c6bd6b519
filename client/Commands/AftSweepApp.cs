using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>The command tree of `aftsweep`. Each verb lives in its own folder under Commands/.</summary>
public static class AftSweepApp
{
    /// <param name="output">Where verbs write; the console when null (tests pass string writers).</param>
    public static async Task<int> RunAsync(string[] args, CliOutput? output = null)
    {
        output ??= CliOutput.Console;
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.Settings.Registrar.RegisterInstance(output);
            Configure(config);
        });
        try
        {
            return await app.RunAsync(args);
        }
        catch (CommandAppException e)
        {
            // A mistyped command line is bad input: say what is wrong, no stack trace.
            await output.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("aftsweep");
        config.PropagateExceptions();
        config.AddCommand<Version.VersionCommand>("version").WithDescription("Print the tool, code and library versions.");
        config.Settings.Registrar.Register<Reporting.Records.ITrialRecordSource, Reporting.Records.FolderOrSweepRecordSource>();
        config.AddCommand<Validate.ValidateCommand>("validate").WithDescription("Check a grid.json: exit 0 when valid, 2 with every problem listed.");
        config.AddCommand<Plan.PlanCommand>("plan").WithDescription("Show the cells and trials (per stage) a grid expands to.");
        config.AddCommand<Results.ResultsCommand>("results").WithDescription("The paper's tables (md, csv, latex, json) from a sweep's trial records.");
        config.AddCommand<Plot.PlotCommand>("plot").WithDescription("The paper's figures (PNG or SVG) from a sweep's trial records.");
        config.AddCommand<Submit.SubmitCommand>("submit").WithDescription("Validate, plan and submit a grid to a cluster; print the sweep id (--wait: follow it to the end).");
        config.AddCommand<Status.StatusCommand>("status").WithDescription("A sweep's progress per stage and cell: done/running/pending/failed, throughput, ETA (--watch refreshes).");
        config.AddCommand<Trials.TrialsCommand>("trials").WithDescription("A sweep's trials: id, method, lambda, combo, seed, stage, attempts, silo/slot, last error.");
        config.AddCommand<Retry.RetryCommand>("retry").WithDescription("Re-queue a sweep's failed trials (--failed) or one trial (--trial ID).");
        config.AddCommand<Cancel.CancelCommand>("cancel").WithDescription("Cancel a sweep: pending trials dropped, running ones stopped; records kept.");
        config.AddBranch("features", features =>
        {
            features.SetDescription("Teacher features in the feature store.");
            features.AddCommand<Features.FeaturesExtractCommand>("extract").WithDescription("Extract every feature set a grid needs (resumes shard by shard).");
            features.AddCommand<Features.FeaturesLsCommand>("ls").WithDescription("List the feature sets in a store: teacher, dataset, split, rows, dims, size, status.");
        });
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks: training steps, feature store and extraction, scheduler.");
            bench.AddCommand<Bench.Step.BenchStepCommand>("step")
                .WithDescription("Training steps per second of each method on one model and batch, and the ratio to stl.");
            bench.AddCommand<Bench.Features.BenchFeaturesCommand>("features").WithDescription("Shard read MB/s from the local cache and the blob store; teacher rows/s.");
            bench.AddCommand<Bench.Scheduler.BenchSchedulerCommand>("scheduler").WithDescription("Scheduling throughput and lease-to-commit latency with no-op trials.");
        });
    }
}
