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
        config.Settings.Registrar.Register<Reporting.Records.ITrialRecordSource, Reporting.Records.FolderTrialRecordSource>();
        config.AddCommand<Results.ResultsCommand>("results").WithDescription("The paper's tables (md, csv, latex, json) from a sweep's trial records.");
        config.AddCommand<Plot.PlotCommand>("plot").WithDescription("The paper's figures (PNG or SVG) from a sweep's trial records.");
    }
}
