using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Cluster;

namespace AftSweep.Client.Commands.Status;

/// <summary>What `status` without a sweep id shows: every sweep the cluster knows, newest first, as a table or JSON.</summary>
/// <param name="Empty">What to say when there is no sweep (a cluster's and a state folder's lists say it differently).</param>
public sealed record SweepList(IReadOnlyList<SweepOverview> Sweeps, string Empty = SweepList.NoneOnCluster)
{
    public const string NoneOnCluster = "no sweeps have been submitted to this cluster (`aftsweep submit GRID` starts one)";
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public void WriteText(TextWriter writer)
    {
        if (Sweeps.Count == 0)
        {
            writer.WriteLine(Empty);
            return;
        }
        var table = ConsoleTables.Create().Left("sweep", "name", "stage").Right("done", "running", "pending", "failed", "cancelled", "blocked")
            .Left("started (UTC)", "updated (UTC)");
        foreach (var s in Sweeps)
        {
            var t = s.Status.Trials;
            table.Row(s.Registration.SweepId, s.Registration.Name, s.Stage, N(t.Succeeded), N(t.Running + t.Leased), N(t.Pending), N(t.Failed),
                N(t.Cancelled), N(t.Blocked), Time(s.Registration.SubmittedAt), Time(s.UpdatedAt));
        }
        ConsoleTables.Write(writer, table);
    }

    public void WriteJson(TextWriter writer)
    {
        var json = Sweeps.Select(s => new
        {
            sweepId = s.Registration.SweepId,
            name = s.Registration.Name,
            phase = StatusReport.Phase(s.Status.Phase),
            stage = s.Stage,
            total = s.Status.Trials.Total,
            done = s.Status.Trials.Succeeded,
            running = s.Status.Trials.Running + s.Status.Trials.Leased,
            pending = s.Status.Trials.Pending,
            failed = s.Status.Trials.Failed,
            cancelled = s.Status.Trials.Cancelled,
            blocked = s.Status.Trials.Blocked,
            startedAt = s.Registration.SubmittedAt,
            updatedAt = s.UpdatedAt,
        });
        writer.WriteLine(JsonSerializer.Serialize(json, JsonOptions));
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
