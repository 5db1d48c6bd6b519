using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using ScottPlot;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>A mean over seeds and its standard error (0 with one seed).</summary>
public sealed record MeanBand(double Mean, double StandardError)
{
    public static MeanBand Of(IReadOnlyCollection<double> values)
    {
        var mean = values.Average();
        var se = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
        return new MeanBand(mean, se);
    }
}

/// <param name="WeightedRegulariser">lambda * R, the regulariser's share of the loss (loss - CE).</param>
public sealed record CurvePoint(int Epoch, MeanBand CrossEntropy, MeanBand WeightedRegulariser, MeanBand TrainAccuracy)
{
    public double Loss => CrossEntropy.Mean + WeightedRegulariser.Mean;
}

public sealed record CurveSeries(string Method, string Combo, int Seeds, IReadOnlyList<CurvePoint> Points)
{
    public string Label => Combo.Length == 0 ? Method : $"{Method} [{Combo}]";
}

/// <summary>Stage-1 holdout accuracy per epoch of one lambda of one cell, mean over its selection seeds.</summary>
public sealed record HoldoutSeries(string Method, string Combo, double Lambda, int Seeds, IReadOnlyList<(int Epoch, MeanBand Accuracy)> Points)
{
    public string Label => $"{Method} [{Combo}] λ={CellText.Number(Lambda, "G4")}";
}

/// <summary>
/// Training curves of the final-stage trials the tables count (TrialResult.Curve; the chosen lambda's, as
/// <see cref="SweepLedger"/> decides), one line per (method, combo), mean over its seeds
/// with a band of one standard error: cross-entropy and lambda*R in separate panels (their sum mixes scales, so
/// methods could not be compared), train accuracy, and where stage-1 trials recorded it, holdout accuracy per epoch
/// for every lambda tried. Legends sit outside the data.
/// </summary>
public static class LearningCurvesPlot
{
    /// <param name="dataset">Dataset name (records of other datasets are ignored); null = all.</param>
    /// <param name="combo">Only this combo key (stl and scratch are always kept as the baseline); null = all.</param>
    /// <exception cref="ReportInputException">No curves, or <paramref name="combo"/> is not a combo of the records (the valid ones are named).</exception>
    public static IReadOnlyList<CurveSeries> Series(IEnumerable<TrialRecord> records, string? dataset, string? combo)
    {
        var all = records.ToList();
        // The trials the tables report: a stray stage-2 record of a lambda stage 1 did not choose is not drawn.
        var counted = CountedFinals(all);
        var finals = Finished(all, dataset, combo, TrialStage.Final).Where(r => counted.Contains(r.Spec.Id)).ToList();
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
                .Select(e => new CurvePoint(e.Key,
                    MeanBand.Of(e.Select(p => p.CrossEntropy).ToList()),
                    MeanBand.Of(e.Select(p => p.Loss - p.CrossEntropy).ToList()),
                    MeanBand.Of(e.Select(p => p.TrainAccuracy).ToList())))
                .ToList()))
            .ToList();
    }

    /// <summary>Stage-1 holdout accuracy per epoch, per (method, combo, lambda), from the selection records that recorded it.</summary>
    public static IReadOnlyList<HoldoutSeries> Holdout(IEnumerable<TrialRecord> records, string? dataset, string? combo)
    {
        var catalogOrder = MethodCatalog.All.Select(m => m.Id).ToList();
        return Finished(records, dataset, combo, TrialStage.Selection)
            .Where(r => r.Result!.Curve.Count > 0 && r.Result.Curve.All(p => p.HoldoutAccuracy is not null) && r.Spec.Lambda is not null)
            .GroupBy(r => (r.Spec.Method, r.Spec.ComboKey, Lambda: r.Spec.Lambda!.Value))
            .OrderBy(g => catalogOrder.IndexOf(g.Key.Method)).ThenBy(g => g.Key.ComboKey, NaturalOrder.Instance).ThenBy(g => g.Key.Lambda)
            .Select(g => new HoldoutSeries(g.Key.Method.NameOf(), g.Key.ComboKey, g.Key.Lambda, g.Count(), g
                .SelectMany(r => r.Result!.Curve)
                .GroupBy(p => p.Epoch)
                .OrderBy(e => e.Key)
                .Select(e => (e.Key, MeanBand.Of(e.Select(p => p.HoldoutAccuracy!.Value).ToList())))
                .ToList()))
            .ToList();
    }

    public static Figure Build(IEnumerable<TrialRecord> records, string? dataset, string? combo)
    {
        var all = records.ToList();
        var series = Series(all, dataset, combo);
        var holdout = Holdout(all, dataset, combo);
        var title = dataset ?? string.Join(", ", all.Select(r => r.Spec.Dataset.Name).Distinct());
        var seeds = series.Max(s => s.Seeds) > 1 ? "mean ± SE over seeds" : "one seed";
        var ce = PlotStyle.NewPanel($"{title}: cross-entropy (final stage, {seeds})", "epoch", "cross-entropy");
        var weighted = PlotStyle.NewPanel("λ·R: the regulariser's share of the loss (loss − CE)", "epoch", "λ·R");
        var accuracy = PlotStyle.NewPanel("train accuracy (final stage)", "epoch", "train accuracy (%)");
        var patterns = new[] { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };
        var combos = series.Select(s => s.Combo).Where(c => c.Length > 0).Distinct().ToList();
        foreach (var s in series)
        {
            var color = PlotStyle.MethodColor(s.Method);
            var pattern = s.Combo.Length == 0 ? LinePattern.Solid : patterns[combos.IndexOf(s.Combo) % patterns.Length];
            var epochs = s.Points.Select(p => (double)p.Epoch).ToArray();
            PlotStyle.MeanWithBand(ce, epochs, s.Points.Select(p => p.CrossEntropy).ToList(), color, pattern, s.Label);
            // Unregularised methods add nothing to the loss: their flat zero would only crowd the panel.
            if (MethodCatalog.All.FirstOrDefault(m => m.Name == s.Method) is { IsRegularised: true })
                PlotStyle.MeanWithBand(weighted, epochs, s.Points.Select(p => p.WeightedRegulariser).ToList(), color, pattern, s.Label);
            PlotStyle.MeanWithBand(accuracy, epochs, s.Points.Select(p => p.TrainAccuracy with { Mean = p.TrainAccuracy.Mean * 100, StandardError = p.TrainAccuracy.StandardError * 100 }).ToList(),
                color, pattern, s.Label);
        }

        var panels = new List<Plot> { ce };
        if (weighted.GetPlottables().Any()) panels.Add(weighted);
        panels.Add(accuracy);
        if (holdout.Count > 0)
        {
            var panel = PlotStyle.NewPanel("holdout accuracy per epoch (stage 1, per lambda, mean ± SE over selection seeds)", "epoch", "holdout accuracy (%)");
            var lambdaPatterns = holdout.Select(h => h.Lambda).Distinct().Order().ToList();
            foreach (var h in holdout)
            {
                PlotStyle.MeanWithBand(panel, h.Points.Select(p => (double)p.Epoch).ToArray(),
                    h.Points.Select(p => new MeanBand(p.Accuracy.Mean * 100, p.Accuracy.StandardError * 100)).ToList(),
                    PlotStyle.MethodColor(h.Method), patterns[lambdaPatterns.IndexOf(h.Lambda) % patterns.Length], h.Label);
            }
            panels.Add(panel);
        }
        foreach (var panel in panels)
        {
            PlotStyle.IntegerTicksOnX(panel);
            PlotStyle.LegendOutside(panel);
        }
        return new Figure(panels, Width: 1100, PanelHeight: 420);
    }

    /// <summary>The stage-2 records that count per cell (those of the lambda the ledger decides), by trial id.</summary>
    private static HashSet<string> CountedFinals(IEnumerable<TrialRecord> records) =>
        records.GroupBy(r => (r.Spec.Dataset.Name, r.Spec.Downstream.Model))
            .SelectMany(g =>
            {
                var ledger = SweepLedger.FromRecords(g);
                return ledger.CellKeys.SelectMany(key => ledger.CountedFinals(ledger.Decide(key)));
            })
            .Select(r => r.Spec.Id)
            .ToHashSet(StringComparer.Ordinal);

    private static List<TrialRecord> Finished(IEnumerable<TrialRecord> records, string? dataset, string? combo, TrialStage stage)
    {
        var inDataset = records.Where(r => dataset is null || r.Spec.Dataset.Name == dataset).ToList();
        if (combo is not null)
        {
            var known = inDataset.Select(r => r.Spec.ComboKey).Where(c => c.Length > 0).Distinct().Order(NaturalOrder.Instance).ToList();
            if (!known.Contains(combo, StringComparer.Ordinal))
            {
                throw new ReportInputException(known.Count == 0
                    ? $"--combo: '{combo}': these records have no teacher combos (only stl/scratch trials)"
                    : $"--combo: '{combo}' is not a teacher combo of these records; choose one of {string.Join(", ", known)}");
            }
        }
        return inDataset
            .Where(r => r.Spec.Stage == stage && r.Status == TrialStatus.Succeeded && r.Result is not null)
            .Where(r => combo is null || r.Spec.Combo.Count == 0 || r.Spec.ComboKey == combo)
            .ToList();
    }
}
