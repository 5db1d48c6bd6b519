using System.Globalization;
using System.Text.Json;
using AftSweep.Client.Cluster;

namespace AftSweep.Client.Commands.Status;

/// <summary>What `status` without a sweep id shows: every sweep the cluster knows, newest first, as text or JSON.</summary>
public sealed record SweepList(IReadOnlyList<SweepOverview> Sweeps)
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public void WriteText(TextWriter writer)
    {
        if (Sweeps.Count == 0)
        {
            writer.WriteLine("no sweeps have been submitted to this cluster (`aftsweep submit GRID` starts one)");
            return;
        }
        var idWidth = Math.Max(5, Sweeps.Max(s => s.Registration.SweepId.Length));
        var nameWidth = Math.Max(4, Sweeps.Max(s => s.Registration.Name.Length));
        writer.WriteLine($"{"sweep".PadRight(idWidth)}  {"name".PadRight(nameWidth)}  {"stage",-10} {"done",6} {"running",8} {"pending",8} {"failed",7}  {"started (UTC)",-19}  updated (UTC)");
        foreach (var s in Sweeps)
        {
            var t = s.Status.Trials;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Registration.SweepId.PadRight(idWidth)}  {s.Registration.Name.PadRight(nameWidth)}  {s.Stage,-10} {t.Succeeded,6} {t.Running + t.Leased,8} {t.Pending,8} {t.Failed,7}  " +
                $"{s.Registration.SubmittedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),-19}  {s.UpdatedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}"));
        }
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
            startedAt = s.Registration.SubmittedAt,
            updatedAt = s.UpdatedAt,
        });
        writer.WriteLine(JsonSerializer.Serialize(json, JsonOptions));
    }
}
