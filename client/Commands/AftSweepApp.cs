using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>The command tree of `aftsweep`. Each verb lives in its own folder under Commands/.</summary>
public static class AftSweepApp
{
    public static Task<int> RunAsync(string[] args)
    {
        var app = new CommandApp();
        app.Configure(Configure);
        return app.RunAsync(args);
    }

    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("aftsweep");
        config.PropagateExceptions();
        config.AddCommand<Version.VersionCommand>("version").WithDescription("Print the tool, code and library versions.");
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Measure parts of AftSweep.");
            bench.AddCommand<Bench.Scheduler.BenchSchedulerCommand>("scheduler").WithDescription("Scheduling throughput and lease-to-commit latency with no-op trials.");
        });
    }
}
