using System.ComponentModel;
using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Plots;
using AftSweep.Client.Reporting.Records;
using AftSweep.Contracts.Protocol;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Plot;

/// <summary>`aftsweep plot SOURCE --kind KIND --out FILE.png|.svg`: the paper's figures from trial records.</summary>
public sealed class PlotCommand(ITrialRecordSource source) : AsyncCommand<PlotCommand.Settings>
{
    public sealed class Settings : RecordSourceSettings
    {
        [CommandArgument(0, "<SOURCE>")]
        [Description(TargetHelp)]
        public string Target { get; init; } = "";

        [CommandOption("--kind <KIND>")]
        [Description("lp-correlation (Figure 3), noise-robustness (Figure 6) or learning-curves.")]
        public string Kind { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("The image to write: FILE.png or FILE.svg.")]
        public string Out { get; init; } = "";

        [CommandOption("--dataset <NAME>")]
        [Description("Which dataset to plot when the records hold several.")]
        public string? Dataset { get; init; }

        [CommandOption("--combo <COMBO>")]
        [Description("learning-curves: only this teacher combo (e.g. minilm+arctic); stl and scratch stay as the baseline.")]
        public string? Combo { get; init; }
    }

    /// <summary>The constructor the command tree uses: writes where the app's <see cref="CliOutput"/> says.</summary>
    public PlotCommand(ITrialRecordSource source, CliOutput output)
        : this(source) => Errors = output.Error;

    public TextWriter Errors { get; init; } = Console.Error;

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        RunAsync(settings, cancellationToken);

    public async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            // Checked here rather than in Settings.Validate so a missing option is an exit-2 message, not a parser exception.
            if (string.IsNullOrWhiteSpace(settings.Kind))
            {
                throw new ReportInputException($"--kind: required (one of {PlotKinds.Names})");
            }

            var kind = PlotKinds.Parse(settings.Kind);
            if (settings.Combo is not null && kind != PlotKind.LearningCurves)
                throw new ReportInputException($"--combo: only learning-curves plots one combo; {settings.Kind} plots every combo");
            if (Path.GetExtension(settings.Out).ToLowerInvariant() is not (".png" or ".svg"))
            {
                throw new ReportInputException(string.IsNullOrWhiteSpace(settings.Out)
                    ? "--out: required (FILE.png or FILE.svg)"
                    : $"--out: '{settings.Out}' must end in .png or .svg");
            }

            var records = await source.LoadAsync(new RecordRequest(settings.Target, settings.Cluster, settings.ClusterId, settings.Sweep), cancellationToken).ConfigureAwait(false);
            var summary = SweepAggregator.Aggregate(records);
            var figure = kind switch
            {
                PlotKind.LpCorrelation => LpCorrelationPlot.Build(DatasetPicker.Pick(summary, settings.Dataset)),
                PlotKind.NoiseRobustness => NoiseRobustnessPlot.Build(DatasetPicker.Pick(summary, settings.Dataset)),
                PlotKind.LearningCurves => LearningCurvesPlot.Build(records, DatasetPicker.Pick(summary, settings.Dataset).Dataset, settings.Combo),
                _ => throw new ArgumentOutOfRangeException(nameof(settings), kind, null),
            };
            PlotFile.Save(figure, settings.Out);
            await Errors.WriteLineAsync($"wrote {settings.Out}").ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is ReportInputException or InvalidDataException)
        {
            await Errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
