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
            bench.SetDescription("Measure the training engine's speed.");
            bench.AddCommand<Bench.Step.BenchStepCommand>("step")
                .WithDescription("Training steps per second of each method on one model and batch, and the ratio to stl.");
        });
    }
}
