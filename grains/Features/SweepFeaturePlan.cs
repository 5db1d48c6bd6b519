using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Features;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Features;

/// <summary>
/// The feature sets a sweep needs before its trials can run (architecture.md, flow step 2): every teacher of every
/// combination, on the train split (stage 1 trains and scores on it) and the test split (stage 2 scores on it).
/// Each set is one grain keyed by its <see cref="FeatureSetId.Key"/> (the same key names its blobs in the feature
/// store and its presence in a silo's cache), extracted as one work item (the feature store shards it inside) on
/// any silo's slot.
/// </summary>
public static class SweepFeaturePlan
{
    public static IReadOnlyList<FeatureSetRequest> For(SweepPlan plan)
    {
        var splitSeed = plan.Cells.SelectMany(c => c.SelectionTrials).Select(t => (int?)t.SplitSeed).FirstOrDefault()
            ?? plan.Grid.Selection.SplitSeed;
        var teachers = plan.Cells.SelectMany(c => c.Combo).DistinctBy(t => t.Spec, StringComparer.Ordinal).ToList();
        return teachers.SelectMany(teacher => FeatureSetId.Splits.Select(split =>
        {
            var key = FeatureSetId.For(teacher, plan.DatasetFingerprint, split).Key;
            return new FeatureSetRequest
            {
                Key = key,
                Shards =
                [
                    new FeatureShardSpec
                    {
                        FeatureSetKey = key, Index = 0, Teacher = teacher, Dataset = plan.Grid.Dataset, DatasetFingerprint = plan.DatasetFingerprint,
                        Split = split, RowStart = 0, RowCount = 0, SplitSeed = splitSeed,
                    },
                ],
            };
        })).ToList();
    }

    /// <summary>The feature-set keys a trial waits for.</summary>
    public static IEnumerable<string> KeysFor(TrialSpec spec) => FeatureSetId.ForTrial(spec).Select(id => id.Key);
}
