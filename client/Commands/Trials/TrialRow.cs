using System.Globalization;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Commands.Trials;

/// <summary>One trial as `trials` shows it: the fields of a line, in text and JSON.</summary>
public sealed record TrialRow(
    string Id, string State, string Method, double? Lambda, string Combo, int Seed, string Stage, int Attempts, string? Worker, string? LastError, double? Accuracy)
{
    public static TrialRow From(TrialSummary t) => new(
        t.Spec.Id,
        StateName(t.Status),
        t.Spec.Method.NameOf(),
        t.Spec.Lambda,
        t.Spec.ComboKey,
        t.Spec.Seed,
        t.Spec.Stage == TrialStage.Selection ? "selection" : "final",
        t.Attempts,
        t.Worker,
        t.Errors.Count > 0 ? t.Errors[^1] : null,
        t.Accuracy);

    public static string StateName(TrialStatus status) => status.ToString().ToLowerInvariant();

    public static string Describe(TrialSummary t)
    {
        var row = From(t);
        return $"{row.Id} {row.Method} lambda={LambdaText(row.Lambda)} combo={Dash(row.Combo)} seed={row.Seed} {row.Stage}: {row.LastError ?? "(no error recorded)"}";
    }

    public static string LambdaText(double? lambda) => lambda?.ToString("R", CultureInfo.InvariantCulture) ?? "-";

    public static string Dash(string? text) => string.IsNullOrEmpty(text) ? "-" : text;
}
