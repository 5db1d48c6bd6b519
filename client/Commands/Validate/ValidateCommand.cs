using System.ComponentModel;
using AftSweep.Contracts.Grid;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Validate;

/// <summary><c>aftsweep validate GRID</c>: exit 0 with a one-line summary, or 2 with every problem on stderr.</summary>
public sealed class ValidateCommand(CliOutput output) : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<GRID>")]
        [Description("The grid.json file to check.")]
        public string Grid { get; init; } = "";

        [CommandOption("--max-trials <N>")]
        [Description("Refuse grids that expand to more trials than this (default 100000).")]
        public long? MaxTrials { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var grid = GridFile.Load(settings.Grid, settings.MaxTrials, output);
        if (grid is null) return ExitCodes.BadInput;
        var size = GridSize.Of(grid);
        output.Out.WriteLine(
            $"valid: grid '{grid.Name}', dataset '{grid.Dataset.Name}' ({grid.Dataset.Kind.ToString().ToLowerInvariant()}), " +
            $"{Count(grid.Methods.Count, "method")}, {Count(grid.Combos.Count, "combo")}, {Count(size.Cells, "cell")}, " +
            $"{size.SelectionTrials} selection + {size.FinalTrials} final = {size.TotalTrials} trials");
        return ExitCodes.Ok;
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
