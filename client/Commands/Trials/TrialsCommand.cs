using System.ComponentModel;
using System.Text.Json;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Trials;

/// <summary>`aftsweep trials SWEEP [--status S] [--state DIR] [--json]`: id, method, lambda, combo, seed, stage, attempts, silo/slot, last error.</summary>
public sealed class TrialsCommand(CliOutput output) : AsyncCommand<TrialsCommand.Settings>
{
    private static readonly string StateNames = string.Join("|", Enum.GetValues<TrialStatus>().Select(TrialRow.StateName));

    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SWEEP>")]
        [Description("The sweep id `submit` or `run` printed, or at least 8 of its first characters.")]
        public string Sweep { get; init; } = "";

        [CommandOption("--status <STATUS>")]
        [Description("Only trials in this state: pending, leased, running, succeeded, failed or cancelled.")]
        public string? Status { get; init; }

        [CommandOption("--state <DIR>")]
        [Description("Read the sweep from this state folder (the --state of `aftsweep run`), read-only, instead of a cluster; works while a `run` uses it.")]
        public string? StateFolder { get; init; }

        [CommandOption("--json")]
        [Description("Print a JSON array (for scripts).")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } invalid ? invalid
            : StateFolder is not null && Cluster is not null ? ValidationResult.Error("--state and --cluster: read a sweep from one of them, not both")
            : Status is not null && Parse(Status) is null ? ValidationResult.Error($"--status: '{Status}' is not one of {StateNames}")
            // --state used to be the trial-state filter: say so rather than "not a state folder".
            : StateFolder is { } folder && Parse(folder) is not null && !Directory.Exists(folder) ? ValidationResult.Error($"--state: names a state folder; to list only {folder} trials use --status {folder}")
            : ValidationResult.Success();
    }

    public static TrialStatus? Parse(string state) =>
        Enum.GetValues<TrialStatus>().Select(s => (TrialStatus?)s).FirstOrDefault(s => TrialRow.StateName(s!.Value) == state.Trim().ToLowerInvariant());

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var filter = new TrialFilter { Status = settings.Status is { } s ? Parse(s) : null };
        if (settings.StateFolder is { } folder)
        {
            return await StateFolderVerb.RunAsync(folder, output, async sweeps =>
            {
                var id = sweeps.Resolve(settings.Sweep);
                return await WriteAsync(settings, id, sweeps.Trials(id, filter));
            }, cancellationToken);
        }
        return await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            var id = await sweeps.ResolveAsync(settings.Sweep);
            return await WriteAsync(settings, id, await sweeps.GetTrialsAsync(id, filter));
        }, cancellationToken);
    }

    private async Task<int> WriteAsync(Settings settings, string id, IReadOnlyList<TrialSummary> trials)
    {
        var rows = trials.Select(TrialRow.From)
            .OrderBy(r => r.Stage == "selection" ? 0 : 1).ThenBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Combo, StringComparer.Ordinal)
            .ThenBy(r => r.Lambda).ThenBy(r => r.Seed).ToList();
        if (settings.Json)
        {
            await output.Out.WriteLineAsync(JsonSerializer.Serialize(rows, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            return ExitCodes.Ok;
        }
        if (rows.Count == 0)
        {
            await output.Error.WriteLineAsync($"no trials{(settings.Status is { } st ? $" in state {st}" : "")} in sweep {id}");
            return ExitCodes.Ok;
        }
        var table = ConsoleTables.Create().Left("id", "state", "method").Right("lambda").Left("combo").Right("seed").Left("stage").Right("att")
            .Left("silo/slot", "last error");
        foreach (var r in rows)
        {
            table.Row(r.Id, r.State, r.Method, TrialRow.LambdaText(r.Lambda), TrialRow.Dash(r.Combo), r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.Stage, r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), TrialRow.Dash(r.Worker), OneLine(r.LastError));
        }
        ConsoleTables.Write(output.Out, table);
        return ExitCodes.Ok;
    }

    /// <summary>Errors can be multi-line (an exception's message); a listing keeps one line per trial.</summary>
    private static string OneLine(string? error) => error is null ? "-" : error.ReplaceLineEndings(" | ");
}
