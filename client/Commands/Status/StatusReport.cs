using System.Globalization;
using System.Text.Json;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Commands.Status;

/// <summary>What `status` shows: the sweep's counts per stage and cell, throughput and ETA; as text or one JSON object.</summary>
public sealed record StatusReport(SweepStatus Status, SweepRate Rate)
{
    public static StatusReport Build(SweepStatus status, IReadOnlyList<TrialRecord> records, DateTimeOffset now) =>
        new(status, SweepRate.From(records, Remaining(status.Trials), now));

    public static int Remaining(TrialCounts c) => c.Pending + c.Leased + c.Running;

    /// <summary>One line: for progress while waiting and for `--watch` when not on a terminal.</summary>
    public string Line()
    {
        var t = Status.Trials;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Status.SweepId} {Phase(Status.Phase)}: {t.Succeeded}/{t.Total} done, {t.Failed} failed, " +
            $"{t.Running + t.Leased} running, {t.Pending} pending{(t.Cancelled > 0 ? $", {t.Cancelled} cancelled" : "")}; {RateText()}");
    }

    public void WriteText(TextWriter writer)
    {
        var s = Status;
        writer.WriteLine($"sweep {s.SweepId} '{s.Name}': {Phase(s.Phase)}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {RateText()}"));
        writer.WriteLine($"  {"stage",-10} {"done",6} {"running",8} {"pending",8} {"failed",7} {"total",6}");
        WriteCounts(writer, "selection", s.Selection);
        WriteCounts(writer, "final", s.Final);
        WriteCounts(writer, "all", s.Trials);
        writer.WriteLine();
        var width = Math.Max(4, s.Cells.Select(c => c.Key.Length).DefaultIfEmpty(4).Max());
        writer.WriteLine($"  {"cell".PadRight(width)}  {"stage 1 done/run/pend/fail",-26}  {"stage 2 done/run/pend/fail",-26}  lambda");
        foreach (var cell in s.Cells)
        {
            var lambda = cell.Choice is { } choice ? choice.Lambda.ToString("R", CultureInfo.InvariantCulture)
                : cell.SelectionFailed ? "stage 1 failed (retry)" : "-";
            writer.WriteLine($"  {cell.Key.PadRight(width)}  {Cells(cell.Selection),-26}  {Cells(cell.Final),-26}  {lambda}");
        }
    }

    public void WriteJson(TextWriter writer)
    {
        var s = Status;
        var json = new
        {
            sweepId = s.SweepId,
            name = s.Name,
            phase = Phase(s.Phase),
            trials = Counts(s.Trials),
            selection = Counts(s.Selection),
            final = Counts(s.Final),
            trialsPerMinute = Math.Round(Rate.TrialsPerMinute, 3),
            etaSeconds = Rate.Eta is { } eta ? Math.Round(eta.TotalSeconds, 1) : (double?)null,
            cells = s.Cells.Select(c => new
            {
                key = c.Key,
                selection = Counts(c.Selection),
                final = Counts(c.Final),
                lambda = c.Choice?.Lambda,
                selectionFailed = c.SelectionFailed,
            }),
        };
        writer.WriteLine(JsonSerializer.Serialize(json, JsonOptions));
    }

    public static string Phase(SweepPhase phase) => phase.ToString().ToLowerInvariant();

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static object Counts(TrialCounts c) => new
    {
        total = c.Total,
        done = c.Succeeded,
        running = c.Running + c.Leased,
        pending = c.Pending,
        succeeded = c.Succeeded,
        failed = c.Failed,
        cancelled = c.Cancelled,
    };

    private string RateText() => Rate.TrialsPerMinute <= 0
        ? "throughput -, ETA -"
        : string.Create(CultureInfo.InvariantCulture, $"throughput {Rate.TrialsPerMinute:0.#} trials/min, ETA {Eta(Rate.Eta)}");

    private static string Eta(TimeSpan? eta) => eta is not { } e ? "-" : e.TotalHours >= 1 ? $"{(int)e.TotalHours}h{e.Minutes:00}m" : $"{e.Minutes}m{e.Seconds:00}s";

    private static string Cells(TrialCounts c) => $"{c.Succeeded}/{c.Running + c.Leased}/{c.Pending}/{c.Failed}";

    private static void WriteCounts(TextWriter writer, string stage, TrialCounts c) =>
        writer.WriteLine($"  {stage,-10} {c.Succeeded,6} {c.Running + c.Leased,8} {c.Pending,8} {c.Failed,7} {c.Total,6}");
}
