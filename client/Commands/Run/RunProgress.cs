using System.Diagnostics;
using AftSweep.Contracts.Cluster;
using Spectre.Console;

namespace AftSweep.Client.Commands.Run;

/// <summary>Live progress of a sweep: Spectre bars per stage in a terminal, a plain line every few seconds otherwise.</summary>
public abstract class RunProgress : IProgress<SweepStatus>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int? _finishedAtStart;

    public abstract void Report(SweepStatus value);

    /// <summary>Estimated time left from the trials finished since this run started (null until one has).</summary>
    protected TimeSpan? Eta(TrialCounts trials)
    {
        _finishedAtStart ??= trials.Finished;
        var done = trials.Finished - _finishedAtStart.Value;
        var left = trials.Total - trials.Finished;
        if (done <= 0 || left <= 0) return left <= 0 ? TimeSpan.Zero : null;
        return TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / done * left);
    }

    protected TimeSpan Elapsed => _clock.Elapsed;

    protected static string Format(TimeSpan? span) => span is { } s
        ? s.TotalHours >= 1 ? $"{(int)s.TotalHours}h{s.Minutes:00}m" : $"{s.Minutes}m{s.Seconds:00}s"
        : "?";

    protected static string Stage(string name, TrialCounts c) =>
        $"{name} {c.Finished}/{c.Total} (running {c.Running + c.Leased}, failed {c.Failed})";
}

/// <summary>One line per change, at most every <see cref="Interval"/> (logs, CI, pipes).</summary>
public sealed class PlainRunProgress(TextWriter writer) : RunProgress
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private string? _last;
    private TimeSpan? _lastAt;

    public override void Report(SweepStatus value)
    {
        var eta = Eta(value.Trials);
        var line = $"{Stage("selection", value.Selection)}, {Stage("final", value.Final)}";
        if (line == _last && !value.IsDone) return;
        if (!value.IsDone && _lastAt is { } at && Elapsed - at < Interval) return;
        _last = line;
        _lastAt = Elapsed;
        writer.WriteLine($"[{Format(Elapsed)}] {line}, eta {Format(eta)}");
        writer.Flush();
    }
}

/// <summary>Spectre progress bars on stderr; <see cref="Report"/> only records the status, the render loop draws it.</summary>
public sealed class LiveRunProgress : RunProgress
{
    private volatile SweepStatus? _status;

    public override void Report(SweepStatus value) => _status = value;

    /// <summary>Draws until <paramref name="work"/> ends, and returns its result.</summary>
    public async Task<T> RenderAsync<T>(IAnsiConsole console, Func<Task<T>> work)
    {
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var selection = ctx.AddTask("selection", maxValue: 1);
                var final = ctx.AddTask("final", maxValue: 1);
                var overall = ctx.AddTask("eta ?", maxValue: 1);
                var task = work();
                while (true)
                {
                    if (_status is { } s)
                    {
                        Update(selection, "selection", s.Selection);
                        Update(final, "final", s.Final);
                        overall.MaxValue = Math.Max(1, s.Trials.Total);
                        overall.Value = s.Trials.Finished;
                        overall.Description = $"all {s.Trials.Finished}/{s.Trials.Total}, eta {Format(Eta(s.Trials))}";
                    }
                    if (task.IsCompleted) break;
                    ctx.Refresh();
                    await Task.WhenAny(task, Task.Delay(250)).ConfigureAwait(false);
                }
                ctx.Refresh();
                return await task.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private static void Update(ProgressTask task, string name, TrialCounts c)
    {
        task.MaxValue = Math.Max(1, c.Total);
        task.Value = c.Finished;
        task.Description = Markup.Escape(Stage(name, c));
    }
}
