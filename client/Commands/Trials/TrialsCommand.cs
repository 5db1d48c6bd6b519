using System.ComponentModel;
using System.Text.Json;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Trials;

/// <summary>`aftsweep trials SWEEP [--state S] [--json]`: id, method, lambda, combo, seed, stage, attempts, silo/slot, last error.</summary>
public sealed class TrialsCommand(CliOutput output) : AsyncCommand<TrialsCommand.Settings>
{
    private static readonly string StateNames = string.Join("|", Enum.GetValues<TrialStatus>().Select(TrialRow.StateName));

    public sealed class Settings : ClusterSettings
    {
        [CommandArgument(0, "<SWEEP>")]
        [Description("The sweep id `submit` printed.")]
        public string Sweep { get; init; } = "";

        [CommandOption("--state <STATE>")]
        [Description("Only trials in this state: pending, leased, running, succeeded, failed or cancelled.")]
        public string? State { get; init; }

        [CommandOption("--json")]
        [Description("Print a JSON array (for scripts).")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            State is null || Parse(State) is not null ? ValidationResult.Success() : ValidationResult.Error($"--state: '{State}' is not one of {StateNames}");
    }

    public static TrialStatus? Parse(string state) =>
        Enum.GetValues<TrialStatus>().Select(s => (TrialStatus?)s).FirstOrDefault(s => TrialRow.StateName(s!.Value) == state.Trim().ToLowerInvariant());

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        await ClusterVerb.RunAsync(settings, output, async sweeps =>
        {
            var filter = new TrialFilter { Status = settings.State is { } s ? Parse(s) : null };
            var rows = (await sweeps.GetTrialsAsync(settings.Sweep, filter)).Select(TrialRow.From)
                .OrderBy(r => r.Stage == "selection" ? 0 : 1).ThenBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Combo, StringComparer.Ordinal)
                .ThenBy(r => r.Lambda).ThenBy(r => r.Seed).ToList();
            if (settings.Json)
            {
                await output.Out.WriteLineAsync(JsonSerializer.Serialize(rows, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                return ExitCodes.Ok;
            }
            if (rows.Count == 0)
            {
                await output.Error.WriteLineAsync($"no trials{(settings.State is { } st ? $" in state {st}" : "")} in sweep {settings.Sweep}");
                return ExitCodes.Ok;
            }
            await output.Out.WriteLineAsync($"{"id",-32}  {"state",-9}  {"method",-14}  {"lambda",8}  {"combo",-16}  {"seed",4}  {"stage",-9}  {"att",3}  {"silo/slot",-16}  last error");
            foreach (var r in rows)
            {
                await output.Out.WriteLineAsync(
                    $"{r.Id,-32}  {r.State,-9}  {r.Method,-14}  {TrialRow.LambdaText(r.Lambda),8}  {TrialRow.Dash(r.Combo),-16}  {r.Seed,4}  {r.Stage,-9}  {r.Attempts,3}  {TrialRow.Dash(r.Worker),-16}  {OneLine(r.LastError)}");
            }
            return ExitCodes.Ok;
        }, cancellationToken);

    /// <summary>Errors can be multi-line (an exception's message); a listing keeps one line per trial.</summary>
    private static string OneLine(string? error) => error is null ? "-" : error.ReplaceLineEndings(" | ");
}
