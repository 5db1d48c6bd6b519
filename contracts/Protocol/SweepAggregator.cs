using System.Globalization;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// Turns a sweep's trial records into per-cell results following methods.md ("Hyperparameter selection and
/// reporting"): lambda as the <see cref="SweepLedger"/> decides it from the selection records, final accuracies of that lambda per seed, mean and SE,
/// cells flagged when fewer seeds finished than expected, failed trials named, and the paired comparisons
/// (<see cref="AftComparisons"/>). Pure: the same records always give
/// the same summary, in the same order, on the client and in the sweep grain.
/// </summary>
public static class SweepAggregator
{
    /// <summary>The paper's final-stage seed count (0, 1, 2); used when the records cannot say how many were asked for.</summary>
    public const int ProtocolSeeds = 3;

    public const string HoldoutSplit = "holdout";
    public const string TestSplit = "test";

    /// <param name="records">Records of one sweep (several datasets or downstream models are kept apart).</param>
    /// <param name="expectedSeeds">Final seeds each cell should have; null = the number of distinct final-stage seeds
    /// in the dataset's records (any status), or <see cref="ProtocolSeeds"/> when there is no final record yet.</param>
    /// <exception cref="InvalidDataException">A record contradicts the protocol (named by trial id).</exception>
    public static SweepSummary Aggregate(IEnumerable<TrialRecord> records, int? expectedSeeds = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (expectedSeeds is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedSeeds), expectedSeeds, "must be at least 1");
        }

        var trials = Deduplicate(records);
        foreach (var trial in trials)
        {
            Validate(trial);
        }

        var datasets = trials
            .GroupBy(r => (r.Spec.Dataset.Name, r.Spec.Downstream.Model))
            .OrderBy(g => g.Key.Name, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .Select(g => SummariseDataset(g.ToList(), expectedSeeds))
            .ToList();

        return new SweepSummary
        {
            SweepIds = trials.Select(r => r.SweepId).Distinct().Order(StringComparer.Ordinal).ToList(),
            Datasets = datasets,
        };
    }

    /// <summary>Human name of a trial for error messages: "trial 1a2b (aft|minilm, lambda 0.1, seed 0, selection)".</summary>
    public static string Describe(TrialRecord record)
    {
        var spec = record.Spec;
        var lambda = spec.Lambda is { } l ? $", lambda {l.ToString(CultureInfo.InvariantCulture)}" : "";
        return $"trial {spec.Id} ({spec.Method.NameOf()}|{spec.ComboKey}{lambda}, seed {spec.Seed}, {spec.Stage.ToString().ToLowerInvariant()})";
    }

    private static DatasetSummary SummariseDataset(List<TrialRecord> records, int? expectedSeeds)
    {
        var expected = expectedSeeds
                       ?? records.Where(r => r.Spec.Stage == TrialStage.Final).Select(r => r.Spec.Seed).Distinct().Count() switch
                       {
                           0 => ProtocolSeeds,
                           var n => n,
                       };

        var combos = records
            .Where(r => r.Spec.Combo.Count > 0)
            .GroupBy(r => r.Spec.ComboKey, StringComparer.Ordinal)
            .Select(g => g.First().Spec.Combo)
            .OrderBy(c => c.Count)
            .ThenBy(c => string.Join("+", c.Select(t => t.Name)), NaturalOrder.Instance)
            .ToList();
        var comboOrder = combos.Select((c, i) => (Key: string.Join("+", c.Select(t => t.Name)), i)).ToDictionary(x => x.Key, x => x.i);

        var ledger = SweepLedger.FromRecords(records);
        var cells = records
            .GroupBy(r => SweepLedger.CellKey(r.Spec), StringComparer.Ordinal)
            .Select(g => SummariseCell(g.ToList(), ledger, expected))
            .OrderBy(c => MethodCatalog.IndexOf(c.Method))
            .ThenBy(c => c.Combo.Count == 0 ? -1 : comboOrder[c.ComboKey])
            .ToList();

        // The baseline's downstream block says whether a pre-trained init exists (stl and scratch may differ there).
        var downstream = (records.FirstOrDefault(r => r.Spec.Method == MethodId.Stl) ?? records[0]).Spec.Downstream;

        return new DatasetSummary
        {
            Dataset = records[0].Spec.Dataset.Name,
            Downstream = downstream,
            Combos = combos,
            Cells = cells,
            ExpectedSeeds = expected,
            Comparisons = AftComparisons.Of(cells, combos.Select(c => string.Join("+", c.Select(t => t.Name))).ToList()),
        };
    }

    private static CellSummary SummariseCell(List<TrialRecord> records, SweepLedger ledger, int expectedSeeds)
    {
        var first = records[0].Spec;
        var info = MethodCatalog.Get(first.Method);
        var cellName = $"cell {SweepLedger.CellKey(first)}";
        var warnings = new List<string>();

        var selectionRecords = records.Where(r => r.Spec.Stage == TrialStage.Selection).ToList();
        var holdoutRows = selectionRecords
            .Where(r => r.Status == TrialStatus.Succeeded && r.Result!.EvalRows > 0)
            .Select(r => r.Result!.EvalRows).Distinct().Order().ToList();
        if (holdoutRows.Count > 1)
        {
            warnings.Add($"selection trials were scored on holdouts of different sizes ({string.Join(", ", holdoutRows)} rows)");
        }

        // The lambda (and so which stage-2 records count) is the ledger's decision over this dataset's records.
        var decision = ledger.Decide(SweepLedger.CellKey(first));
        var selection = decision.Selection;
        if (decision.FinalLambdaAmbiguous)
        {
            throw new InvalidDataException(
                $"{cellName}: final trials use lambdas {Join(decision.FinalLambdas)} and no selection record says which one was chosen");
        }

        var chosen = decision.FinalLambda;
        var others = decision.FinalLambdas.Where(l => l != chosen).ToList();
        if (selection is not null && others.Count > 0)
        {
            warnings.Add($"final trials with lambda {Join(others)} ignored: the selection records choose lambda {Format(selection.Lambda)}");
        }

        var succeeded = ledger.CountedFinals(decision).OrderBy(r => r.Spec.Seed).ToList();
        var twice = succeeded.GroupBy(r => r.Spec.Seed).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new InvalidDataException(
                $"{cellName}: seed {twice.Key} has {twice.Count()} finished final trials ({string.Join(", ", twice.Select(r => r.Spec.Id))}); records of different code versions are mixed");
        }

        var accuracies = succeeded.Select(r => new SeedAccuracy(r.Spec.Seed, r.Result!.Accuracy, r.Spec.Id)).ToList();

        return new CellSummary
        {
            Method = first.Method,
            Combo = first.Combo,
            Selection = selection,
            ChosenLambda = chosen,
            FinalAccuracies = accuracies,
            Statistics = accuracies.Count > 0 ? SeedStatistics.Of(accuracies.Select(a => a.Accuracy).ToList()) : null,
            ExpectedSeeds = expectedSeeds,
            FailedTrials = records
                .Where(r => r.Status == TrialStatus.Failed)
                .OrderBy(r => r.Spec.Stage).ThenBy(r => r.Spec.Lambda).ThenBy(r => r.Spec.Seed)
                .Select(r => new FailedTrial(r.Spec.Id, r.Spec.Stage, r.Spec.Lambda, r.Spec.Seed, r.Attempts, r.Errors.LastOrDefault() ?? "(no error recorded)"))
                .ToList(),
            UnfinishedTrials = records.Count(r => r.Status is not (TrialStatus.Succeeded or TrialStatus.Failed)),
            RhoByTeacher = SummariseRho(succeeded, first.Combo, cellName),
            Warnings = warnings,
            LambdaGrid = selectionRecords.Select(r => r.Spec.Lambda!.Value).Distinct().Order().ToList(),
            HoldoutRows = holdoutRows.Count > 0 ? holdoutRows[0] : null,
            Probe = first.Method == MethodId.LinearProbe ? ProbeSummary.Of(succeeded.Select(r => r.Result!)) : null,
            RhoWeightedProbeAccuracies = succeeded.Where(r => r.Result!.RhoWeightedProbe is not null)
                .Select(r => new SeedAccuracy(r.Spec.Seed, r.Result!.RhoWeightedProbe!.Accuracy, r.Spec.Id)).ToList(),
        };
    }

    private static List<TeacherRhoSummary> SummariseRho(List<TrialRecord> finals, IReadOnlyList<TeacherRef> combo, string cellName)
    {
        var withRho = finals.Where(r => r.Result!.RhoByTeacher.Count > 0).ToList();
        if (withRho.Count == 0)
        {
            return [];
        }

        return combo.Select(teacher =>
        {
            var blocks = withRho.Select(r => r.Result!.RhoByTeacher.FirstOrDefault(t => t.Teacher == teacher.Name)
                                             ?? throw new InvalidDataException($"{Describe(r)}: rhoByTeacher has no entry for teacher '{teacher.Name}' of {cellName}"))
                .ToList();
            var widths = blocks.Select(b => b.Width).Distinct().ToList();
            if (widths.Count > 1)
            {
                throw new InvalidDataException($"{cellName}: teacher '{teacher.Name}' has rho blocks of different widths ({string.Join(", ", widths)}) across seeds");
            }

            return new TeacherRhoSummary(teacher.Name, teacher.Spec, widths[0], blocks.Average(b => b.Sum), blocks.Count);
        }).ToList();
    }

    /// <summary>One record per trial id: a success wins over earlier failed attempts; otherwise the newest record.</summary>
    private static List<TrialRecord> Deduplicate(IEnumerable<TrialRecord> records) =>
        records
            .GroupBy(r => r.Spec.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(r => r.Status == TrialStatus.Succeeded).ThenByDescending(r => r.FinishedAt ?? DateTimeOffset.MinValue).First())
            .OrderBy(r => r.Spec.Id, StringComparer.Ordinal)
            .ToList();

    private static void Validate(TrialRecord record)
    {
        var spec = record.Spec;
        var info = MethodCatalog.Get(spec.Method);
        if (spec.Stage == TrialStage.Selection && (spec.Lambda is null || !info.IsRegularised))
        {
            throw new InvalidDataException($"{Describe(record)}: a selection trial must be of a regularised method and have a lambda");
        }

        if (info.UsesTeachers == (spec.Combo.Count == 0))
        {
            throw new InvalidDataException(
                $"{Describe(record)}: combo: {info.Name} {(info.UsesTeachers ? "needs at least one teacher" : "takes no teachers")}");
        }

        if (record.Status != TrialStatus.Succeeded)
        {
            return;
        }

        var result = record.Result ?? throw new InvalidDataException($"{Describe(record)}: status is succeeded but the record has no result");
        var expectedSplit = spec.Stage == TrialStage.Selection ? HoldoutSplit : TestSplit;
        if (result.EvaluatedOn != expectedSplit)
        {
            throw new InvalidDataException($"{Describe(record)}: result.evaluatedOn is '{result.EvaluatedOn}', expected '{expectedSplit}' for the {spec.Stage.ToString().ToLowerInvariant()} stage");
        }

        if (!double.IsFinite(result.Accuracy) || result.Accuracy is < 0 or > 1)
        {
            throw new InvalidDataException($"{Describe(record)}: result.accuracy is {result.Accuracy}, expected a number in [0, 1]");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<double?> values) => string.Join(", ", values.Select(v => v is { } x ? Format(x) : "none"));
}
