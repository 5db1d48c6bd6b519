using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

/// <param name="Loss">Mean over seeds of the epoch's total loss (CE + lambda R).</param>
public sealed record CurvePoint(int Epoch, double Loss, double TrainAccuracy);

public sealed record CurveSeries(string Method, string Combo, int Seeds, IReadOnlyList<CurvePoint> Points);

/// <summary>
/// Training curves of the final-stage trials (TrialResult.Curve): loss and train accuracy per epoch, one line per
/// (method, combo) averaged over its seeds.
/// </summary>
public static class LearningCurvesPlot
{
    /// <param name="dataset">Dataset name (records of other datasets are ignored); null = all.</param>
    /// <param name="combo">Only this combo key (stl and scratch are always kept as the baseline); null = all.</param>
    public static IReadOnlyList<CurveSeries> Series(IEnumerable<TrialRecord> records, string? dataset, string? combo)
    {
        var finals = records
            .Where(r => r.Spec.Stage == TrialStage.Final && r.Status == TrialStatus.Succeeded && r.Result is not null)
            .Where(r => dataset is null || r.Spec.Dataset.Name == dataset)
            .Where(r => combo is null || r.Spec.Combo.Count == 0 || r.Spec.ComboKey == combo)
            .ToList();
        var withCurves = finals.Where(r => r.Result!.Curve.Count > 0).ToList();
        if (withCurves.Count == 0)
        {
            var scope = combo is null ? "" : $" with combo '{combo}'";
            throw new ReportInputException(finals.Count == 0
                ? $"no finished final-stage trial{scope}: the learning-curves plot needs finished trials"
                : $"none of the {finals.Count} finished final-stage trials{scope} recorded a training curve (result.curve is empty)");
        }

        var catalogOrder = MethodCatalog.All.Select(m => m.Id).ToList();
        return withCurves
            .GroupBy(r => (r.Spec.Method, r.Spec.ComboKey))
            .OrderBy(g => catalogOrder.IndexOf(g.Key.Method)).ThenBy(g => g.Key.ComboKey, NaturalOrder.Instance)
            .Select(g => new CurveSeries(g.Key.Method.NameOf(), g.Key.ComboKey, g.Count(), g
                .SelectMany(r => r.Result!.Curve)
                .GroupBy(p => p.Epoch)
                .OrderBy(e => e.Key)
                .Select(e => new CurvePoint(e.Key, e.Average(p => p.Loss), e.Average(p => p.TrainAccuracy)))
                .ToList()))
            .ToList();
    }

    public static Figure Build(IEnumerable<TrialRecord> records, string? dataset, string? combo)
    {
        var series = Series(records, dataset, combo);
        var title = dataset ?? string.Join(", ", records.Select(r => r.Spec.Dataset.Name).Distinct());
        var loss = PlotStyle.NewPanel($"{title}: training loss (final stage, mean over seeds)", "epoch", "loss (CE + λR)");
        var accuracy = PlotStyle.NewPanel("train accuracy", "epoch", "train accuracy (%)");
        var patterns = new[] { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };
        var combos = series.Select(s => s.Combo).Where(c => c.Length > 0).Distinct().ToList();
        foreach (var s in series)
        {
            var color = PlotStyle.MethodColor(s.Method);
            var pattern = s.Combo.Length == 0 ? LinePattern.Solid : patterns[combos.IndexOf(s.Combo) % patterns.Length];
            var epochs = s.Points.Select(p => (double)p.Epoch).ToArray();
            var label = s.Combo.Length == 0 ? s.Method : $"{s.Method} [{s.Combo}]";

            var l = loss.Add.Scatter(epochs, s.Points.Select(p => p.Loss).ToArray(), color);
            l.LinePattern = pattern;
            l.MarkerSize = 4;
            l.LegendText = label;

            var a = accuracy.Add.Scatter(epochs, s.Points.Select(p => p.TrainAccuracy * 100).ToArray(), color);
            a.LinePattern = pattern;
            a.MarkerSize = 4;
        }

        loss.ShowLegend(Alignment.UpperRight);
        PlotStyle.IntegerTicksOnX(loss);
        PlotStyle.IntegerTicksOnX(accuracy);
        return new Figure([loss, accuracy]);
    }
}
