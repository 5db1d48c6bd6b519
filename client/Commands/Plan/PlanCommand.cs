using System.ComponentModel;
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
        var plan = GridFile.LoadPlan(settings.Grid, settings.MaxTrials, output);
        if (plan is null) return ExitCodes.BadInput;
        if (settings.Json) PlanJson.Write(plan, output.Out);
        else PlanTable.Write(plan, output.Out);
        return ExitCodes.Ok;
    }
}
