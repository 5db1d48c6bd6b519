using AftSweep.Client.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// One sweep's records out of a folder's: the one --sweep names (a unique prefix of at least
/// <see cref="SweepClient.MinimumPrefix"/> characters), the only one there is, or an error listing the sweeps to choose from.
/// </summary>
public static class SweepPick
{
    /// <param name="names">Grid names by sweep id, where the folder knows them (a state folder's sweeps table).</param>
    public static IReadOnlyList<TrialRecord> One(string target, IReadOnlyList<TrialRecord> records, string? sweep, IReadOnlyDictionary<string, string>? names = null)
    {
        if (records.Count == 0) throw new ReportInputException($"'{target}' holds no trial records yet");
        var sweeps = records.GroupBy(r => r.SweepId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        string Describe(IGrouping<string, TrialRecord> g) =>
            $"{g.Key} '{names?.GetValueOrDefault(g.Key) ?? g.First().Spec.Dataset.Name}' ({g.Count()} record{(g.Count() == 1 ? "" : "s")})";
        if (sweep is { } wanted)
        {
            var prefix = wanted.Trim().ToLowerInvariant();
            if (prefix.Length < SweepClient.MinimumPrefix || prefix.Length > TrialIds.Length || !prefix.All(Uri.IsHexDigit))
                throw new ReportInputException($"--sweep: '{wanted}' is not a sweep id (give at least {SweepClient.MinimumPrefix} of its {TrialIds.Length} hex characters)");
            var matches = sweeps.Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return matches.Count switch
            {
                1 => matches[0].ToList(),
                0 => throw new ReportInputException($"--sweep: no sweep in '{target}' starts with '{wanted}'; it holds: {string.Join("; ", sweeps.Select(Describe))}"),
                _ => throw new ReportInputException($"--sweep: '{wanted}' is the start of {matches.Count} sweeps in '{target}' ({string.Join("; ", matches.Select(Describe))}): give more characters"),
            };
        }
        if (sweeps.Count == 1) return records;
        throw new ReportInputException(
            $"'{target}' holds records of {sweeps.Count} sweeps: {string.Join("; ", sweeps.Select(Describe))}. Pick one with --sweep ID (at least {SweepClient.MinimumPrefix} of its characters)");
    }
}
