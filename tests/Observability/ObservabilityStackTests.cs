using System.Globalization;
using AftSweep.Contracts.Cluster;
using AftSweep.Infra.Metrics;

namespace AftSweep.Tests.Observability;

/// <summary>Real silos, a real Prometheus, a real sweep: every dashboard query must return data.</summary>
[Collection(ObservabilityCollection.Name)]
public sealed class ObservabilityStackTests(ObservabilityStack stack) : IClassFixture<ObservabilityStack>
{
    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Dashboards_EveryPanelQueryAfterASweep_ReturnsData()
    {
        Assert.Equal(SweepPhase.Completed, stack.Sweep.Phase);
        Assert.True(stack.Sweep.Trials.Succeeded > 0, $"no trial succeeded: {stack.Sweep.Trials}");

        var expressions = Dashboards.Expressions().Select(e => (e.File, e.Panel, Expr: Dashboards.WithAllSelected(e.Expr))).ToList();
        Assert.NotEmpty(expressions);
        // GPU memory exists only where NVML does; on CPU machines its queries must still be valid PromQL.
        var gpu = NvmlGpuMemory.TryCreate() is not null;
        var required = expressions.Where(e => gpu || !e.Expr.Contains("aftsweep_gpu_", StringComparison.Ordinal)).Select(e => e.Expr).Distinct().ToList();
        foreach (var (_, _, expr) in expressions) await stack.Prometheus.QueryAsync(expr); // throws on invalid PromQL

        var missing = await stack.WaitForDataAsync(required, DataTimeout);

        Assert.True(missing.Count == 0, "queries without data after the sweep:\n" + string.Join("\n", expressions
            .Where(e => missing.Contains(e.Expr)).Select(e => $"  {e.File} / {e.Panel}: {e.Expr}")) + "\n" + stack.Diagnostics);
    }

    [Fact]
    public async Task Dashboards_SweepAndSiloVariables_ListThisSweepAndBothSilos()
    {
        var variables = Dashboards.Variables();
        Assert.Equal(Dashboards.RequiredVariables.Count * Dashboards.Files().Count, variables.Count);
        var missing = await stack.WaitForDataAsync(variables.Select(v => v.Query).Distinct().ToList(), DataTimeout);
        Assert.Empty(missing);
        var sweeps = await stack.Prometheus.QueryAsync(variables.First(v => v.Name == "sweep").Query);
        Assert.Contains(sweeps.EnumerateArray(), s => s.GetProperty("metric").GetProperty("sweep").GetString() == stack.Sweep.SweepId);
    }

    [Fact]
    public async Task Metrics_SweepSeries_AreKeyedByTheSweepId_WithTheGridNameAndTheScienceOfEachCell()
    {
        var id = stack.Sweep.SweepId;
        var progress = await WaitForVectorAsync($"aftsweep_sweep_progress{{sweep=\"{id}\"}}");
        Assert.Equal(stack.Sweep.Name, Assert.Single(progress.EnumerateArray()).GetProperty("metric").GetProperty("grid").GetString());

        // Every regularised cell's chosen lambda as the sweep chose it, and a test accuracy for every cell.
        foreach (var cell in stack.Sweep.Cells)
        {
            var (method, combo) = (cell.Key.Split('|')[0], cell.Key.Split('|')[1] is { Length: > 0 } c ? c : "-");
            var labels = $"sweep=\"{id}\", method=\"{method}\", combo=\"{combo}\"";
            var test = Value(await WaitForVectorAsync($"aftsweep_science_test_accuracy{{{labels}}}"));
            Assert.Equal(cell.Result.Final.Mean, test, 9);
            if (cell.Choice is not { } choice) continue;
            Assert.Equal(choice.Lambda, Value(await WaitForVectorAsync($"aftsweep_science_lambda_chosen{{{labels}}}")));
            var holdout = await WaitForVectorAsync($"aftsweep_science_holdout_accuracy{{{labels}}}");
            Assert.Equal(choice.Scores.Count, holdout.GetArrayLength());
        }
    }

    [Fact]
    public async Task Prometheus_BothSilos_AreScrapedAndUp()
    {
        var missing = await stack.WaitForDataAsync(["up == 1"], DataTimeout);
        Assert.Empty(missing);
        var up = await stack.Prometheus.QueryAsync("up == 1");
        var instances = up.EnumerateArray().Select(r => r.GetProperty("metric").GetProperty("instance").GetString()).Order().ToList();
        Assert.Equal(stack.MetricsPorts.Select(p => $"127.0.0.1:{p}").Order(), instances);
    }

    [Fact]
    public async Task Metrics_FinishedSweep_ProgressReachesOneAndSucceededTrialsAreCounted()
    {
        // The last scrape may predate the sweep's final update: poll (bounded) until it is seen.
        var progress = await WaitForValueAsync("max(aftsweep_sweep_progress)", v => v == 1.0);
        Assert.Equal(1.0, progress);
        // At least this sweep's trials (other tests in this process may run their own silos' trials too).
        var succeeded = await WaitForValueAsync("sum(aftsweep_trial_transitions_total{state=\"succeeded\"})", v => v >= stack.Sweep.Trials.Succeeded);
        Assert.True(succeeded >= stack.Sweep.Trials.Succeeded, $"{succeeded} succeeded transitions exported, the sweep reports {stack.Sweep.Trials.Succeeded}");
    }

    private async Task<double> WaitForValueAsync(string expression, Func<double, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var value = double.NaN;
        while (clock.Elapsed < DataTimeout)
        {
            var vector = await stack.Prometheus.QueryAsync(expression);
            if (vector.GetArrayLength() > 0 && done(value = Value(vector))) return value;
            await Task.Delay(500);
        }
        return value;
    }

    private async Task<System.Text.Json.JsonElement> WaitForVectorAsync(string expression)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var vector = await stack.Prometheus.QueryAsync(expression);
            if (vector.GetArrayLength() > 0 || clock.Elapsed > DataTimeout) return vector.GetArrayLength() > 0 ? vector : throw new Xunit.Sdk.XunitException($"no data for {expression}\n{stack.Diagnostics}");
            await Task.Delay(500);
        }
    }

    private static double Value(System.Text.Json.JsonElement vector) =>
        double.Parse(vector[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
}
