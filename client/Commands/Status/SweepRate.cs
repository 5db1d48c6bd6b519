using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Commands.Status;

/// <summary>Throughput and ETA from the finish times in a sweep's records: the recent window, so a resumed sweep's old records do not dilute it.</summary>
public sealed record SweepRate(double TrialsPerMinute, TimeSpan? Eta)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    public static SweepRate From(IReadOnlyList<TrialRecord> records, int remaining, DateTimeOffset now)
    {
        var recent = records.Select(r => r.FinishedAt).OfType<DateTimeOffset>().Where(t => now - t <= Window).Order().ToList();
        if (recent.Count == 0) return new SweepRate(0, null);
        // Span from the first finish in the window; at least a second so one finish does not read as infinite speed.
        var span = TimeSpan.FromTicks(Math.Max((now - recent[0]).Ticks, TimeSpan.TicksPerSecond));
        var perMinute = recent.Count / span.TotalMinutes;
        return new SweepRate(perMinute, remaining == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(remaining / perMinute));
    }
}
