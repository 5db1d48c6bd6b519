using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// Expands a validated grid into a <see cref="SweepPlan"/> with content-addressed trial ids (grid.md, "Trials a grid
/// expands to"). Reads (hashes) the dataset, teacher and init files, so call it after validation.
/// </summary>
public static class GridPlanner
{
    public static SweepPlan Plan(GridSpec grid)
    {
        var datasetFingerprint = DatasetFingerprint.Compute(grid.Dataset, grid.Selection.SplitSeed);
        var teachers = grid.Teachers.Select(t => t with { Fingerprint = TeacherFingerprint.Compute(t.Spec) }).ToList();
        var byName = teachers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var downstream = grid.Downstream with { InitFingerprint = CheckpointFiles.Of(grid.Downstream).Fingerprint() };

        var cells = new List<CellPlan>();
        foreach (var method in grid.Methods)
        {
            var info = method.Info;
            var training = method.Overrides.OverlayOn(grid.Training).Resolve(info, grid.Dataset.Kind);
            IReadOnlyList<IReadOnlyList<string>> combos = info.UsesTeachers ? grid.Combos : [[]];
            foreach (var names in combos)
            {
                var combo = names.Select(n => byName[n]).ToList();
                var template = new TrialSpec
                {
                    Id = "",
                    Stage = TrialStage.Final,
                    Method = info.Id,
                    Lambda = null,
                    Combo = combo,
                    Seed = 0,
                    Dataset = grid.Dataset,
                    DatasetFingerprint = datasetFingerprint,
                    Downstream = downstream,
                    Training = training,
                    HoldoutFraction = grid.Selection.HoldoutFraction,
                    SplitSeed = grid.Selection.SplitSeed,
                };
                var selection = info.IsRegularised
                    ? method.Lambdas.SelectMany(lambda => grid.Selection.Seeds.Select(seed =>
                        TrialIds.WithId(template with { Stage = TrialStage.Selection, Lambda = lambda, Seed = seed }))).ToList()
                    : [];
                cells.Add(new CellPlan
                {
                    Key = SweepLedger.CellKey(info.Id, string.Join("+", names)),
                    Method = info.Id,
                    Combo = combo,
                    SelectionTrials = selection,
                    FinalSeeds = grid.Seeds,
                    FinalTemplate = template,
                });
            }
        }
        return new SweepPlan
        {
            SweepId = TrialIds.OfSweep(grid, datasetFingerprint, teachers, downstream),
            Grid = grid,
            DatasetFingerprint = datasetFingerprint,
            Cells = cells,
        };
    }
}
