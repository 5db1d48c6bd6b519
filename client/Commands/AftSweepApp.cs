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
        config.AddBranch("features", features =>
        {
            features.SetDescription("Teacher features in the feature store.");
            features.AddCommand<Features.FeaturesExtractCommand>("extract").WithDescription("Extract every feature set a grid needs (resumes shard by shard).");
            features.AddCommand<Features.FeaturesLsCommand>("ls").WithDescription("List the feature sets in a store: teacher, dataset, split, rows, dims, size, status.");
        });
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks.");
            bench.AddCommand<Bench.Features.BenchFeaturesCommand>("features").WithDescription("Shard read MB/s from the local cache and the blob store; teacher rows/s.");
        });
    }
}
