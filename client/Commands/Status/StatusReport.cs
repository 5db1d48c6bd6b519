using System.Globalization;
using System.Text.Json;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Trials;
using Spectre.Console;

namespace AftSweep.Client.Commands.Status;

/// <summary>
/// What `status` shows: the sweep's counts per stage and cell (done, running, pending, failed, cancelled, blocked),
/// throughput and, while trials are still active, an ETA; as text or one JSON object.
/// </summary>
public sealed record StatusReport(SweepStatus Status, SweepRate Rate)
{
    public static StatusReport Build(SweepStatus status, IReadOnlyList<TrialRecord> records, DateTimeOffset now) =>
        new(status, SweepRate.From(records, Remaining(status.Trials), now));

    public static int Remaining(TrialCounts c) => c.Active;

    /// <summary>One line: for progress while waiting and for `--watch` when not on a terminal.</summary>
    public string Line()
    {
        var t = Status.Trials;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Status.SweepId} {Phase(Status.Phase)}: {t.Succeeded}/{t.Total} done, {t.Failed} failed, " +
            $"{t.Running + t.Leased} running, {t.Pending} pending{(t.Cancelled > 0 ? $", {t.Cancelled} cancelled" : "")}" +
            $"{(t.Blocked > 0 ? $", {t.Blocked} blocked by a failed stage 1" : "")}; {RateText()}");
    }

    public void WriteText(TextWriter writer)
    {
        var s = Status;
        writer.WriteLine($"sweep {s.SweepId} '{s.Name}': {Phase(s.Phase)}");
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {RateText()}"));
        var stages = ConsoleTables.Create().Left("stage").Right("done", "running", "pending", "failed", "cancelled", "blocked", "total");
        foreach (var (name, c) in new[] { ("selection", s.Selection), ("final", s.Final), ("all", s.Trials) })
            stages.Row(name, N(c.Succeeded), N(c.Running + c.Leased), N(c.Pending), N(c.Failed), N(c.Cancelled), N(c.Blocked), N(c.Total));
        var cells = ConsoleTables.Create().Left("cell", "stage 1 done/run/pend/fail", "stage 2 done/run/pend/fail", "lambda", "note");
        foreach (var cell in s.Cells)
        {
            var lambda = cell.Choice is { } choice ? choice.Lambda.ToString("R", CultureInfo.InvariantCulture) : "-";
            cells.Row(cell.Key, Cells(cell.Selection), Cells(cell.Final), lambda, Note(cell));
        }
        ConsoleTables.Write(writer, stages, cells);
        if (s.Trials.Blocked > 0)
            writer.WriteLine($"  {s.Trials.Blocked} stage-2 trial{(s.Trials.Blocked == 1 ? "" : "s")} cannot run: every stage-1 trial of their cell failed; `aftsweep retry {s.SweepId} --failed` re-runs them");
        if (s.Phase == SweepPhase.Cancelled && s.Trials.Cancelled > 0)
            writer.WriteLine($"  cancelled: `aftsweep retry {s.SweepId} --cancelled` resumes the {s.Trials.Cancelled} cancelled trial{(s.Trials.Cancelled == 1 ? "" : "s")}");
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
            etaSeconds = s.Trials.Active > 0 && Rate.Eta is { } eta ? Math.Round(eta.TotalSeconds, 1) : (double?)null,
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
        blocked = c.Blocked,
    };

    /// <summary>Throughput over the recent window; an ETA only while trials are still queued or running.</summary>
    private string RateText()
    {
        if (Rate.TrialsPerMinute <= 0) return Status.Trials.Active > 0 ? "throughput -, ETA -" : "throughput -";
        var throughput = string.Create(CultureInfo.InvariantCulture, $"throughput {Rate.TrialsPerMinute:0.#} trials/min");
        return Status.Trials.Active > 0 ? $"{throughput}, ETA {Eta(Rate.Eta)}" : throughput;
    }

    private static string Eta(TimeSpan? eta) => eta is not { } e ? "-" : e.TotalHours >= 1 ? $"{(int)e.TotalHours}h{e.Minutes:00}m" : $"{e.Minutes}m{e.Seconds:00}s";

    private static string Cells(TrialCounts c) => $"{c.Succeeded}/{c.Running + c.Leased}/{c.Pending}/{c.Failed}";

    private static string Note(CellStatus cell)
    {
        var notes = new List<string>();
        if (cell.SelectionFailed) notes.Add("stage 1 failed (retry --failed)");
        var cancelled = cell.Selection.Cancelled + cell.Final.Cancelled;
        if (cancelled > 0) notes.Add($"{cancelled} cancelled");
        if (cell.Final.Blocked > 0) notes.Add($"{cell.Final.Blocked} blocked");
        return notes.Count == 0 ? "" : string.Join(", ", notes);
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
