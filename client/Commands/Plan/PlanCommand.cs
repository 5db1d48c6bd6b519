using System.ComponentModel;
using AftSweep.Contracts.Protocol;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Plan;

/// <summary><c>aftsweep plan GRID [--json]</c>: the cells and trials a grid expands to, per stage and per method.</summary>
public sealed class PlanCommand(CliOutput output) : Command<PlanCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<GRID>")]
        [Description("The grid.json file to expand.")]
        public string Grid { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print one stable JSON object (for scripts) instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("--max-trials <N>")]
        [Description("Refuse grids that expand to more trials than this (default 100000).")]
        public long? MaxTrials { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var grid = GridFile.Load(settings.Grid, settings.MaxTrials, output);
        if (grid is null) return ExitCodes.BadInput;
        SweepPlan plan;
        try
        {
            plan = GridPlanner.Plan(grid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Validation saw the files; one vanished or became unreadable while hashing.
            output.Error.WriteLine($"$: cannot read the grid's files: {e.Message}");
            return ExitCodes.BadInput;
        }
        if (settings.Json) PlanJson.Write(plan, output.Out);
        else PlanTable.Write(plan, output.Out);
        return ExitCodes.Ok;
    }
}
