using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Run;

public sealed class RunSettings : CommandSettings
{
    public const string DefaultState = ".aftsweep/state";

    [CommandArgument(0, "<GRID>")]
    [Description("The grid.json to run.")]
    public string Grid { get; init; } = "";

    [CommandOption("--state <DIR>")]
    [Description("Sweep state, records and (by default) the feature store. Default ./.aftsweep/state. Re-running on the same folder resumes.")]
    public string? State { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where records, tables and plots go. Default ./aftsweep-out/<grid name>-<sweep id>/ (the id this command prints).")]
    public string? Out { get; init; }

    [CommandOption("--slots <N>")]
    [Description("Trials run at once on this machine (CPU slots; libtorch threads are split between them). Default 1.")]
    public int? Slots { get; init; }

    [CommandOption("--store <STORE>")]
    [Description("Feature store: a folder, or azure:ENV_VAR / azure:CONNECTION-STRING. Default: $AFTSWEEP_STORAGE, else <state>/store (.aftsweep/state/store, where `features ls` looks by default).")]
    public string? Store { get; init; }

    [CommandOption("--retry-failed")]
    [Description("Re-queue the trials that failed in an earlier run of this grid (e.g. after fixing their cause) before waiting for the sweep")]
    public bool RetryFailed { get; init; }

    [CommandOption("--json")]
    [Description("Print the results as JSON instead of the Markdown table.")]
    public bool Json { get; init; }

    [CommandOption("--verbose")]
    [Description("Log the silo and trials to stderr; show stack traces on errors.")]
    public bool Verbose { get; init; }
}
