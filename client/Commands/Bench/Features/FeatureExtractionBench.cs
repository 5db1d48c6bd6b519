using System.Diagnostics;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands.Bench.Features;

/// <summary>
/// One teacher's measured extraction speed. <see cref="CpuSeconds"/> is the process's CPU time over the run: on a
/// machine shared with other work, <see cref="RowsPerCpuSecond"/> times the cores gives what an idle machine would do.
/// </summary>
public sealed record FeatureBenchResult(string Teacher, SplitName Split, int Rows, int Dim, double Seconds, double CpuSeconds)
{
    public double RowsPerSecond => Rows / Math.Max(Seconds, 1e-9);
    public double RowsPerCpuSecond => Rows / Math.Max(CpuSeconds, 1e-9);
}

/// <summary>
/// Extraction throughput of a teacher over the first rows of a split (what <c>aftsweep bench features</c> reports).
/// A small warm-up extraction first loads models and sessions, so the timing is steady-state; then
/// <c>repeats</c> timed extractions, one result each (a shared machine's speed drifts: report their median).
/// </summary>
public static class FeatureExtractionBench
{
    public static async Task<IReadOnlyList<FeatureBenchResult>> MeasureAsync(ITeacher teacher, LoadedDataset dataset, SplitName split,
        int rows, int repeats = 1, int warmupRows = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        var available = dataset.Split(split).Rows;
        rows = Math.Min(rows, available);
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"the {split} split has {available} rows to measure");
        // Warm-up on enough rows that every worker opens its session.
        await teacher.ExtractAsync(dataset, split, 0, Math.Min(warmupRows, rows), null, cancellationToken).ConfigureAwait(false);
        var results = new List<FeatureBenchResult>(repeats);
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var features = await teacher.ExtractAsync(dataset, split, 0, rows, null, cancellationToken).ConfigureAwait(false);
            clock.Stop();
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            results.Add(new FeatureBenchResult(teacher.Spec, split, features.Rows, features.Dim, clock.Elapsed.TotalSeconds, cpuSeconds));
        }
        return results;
    }
}
