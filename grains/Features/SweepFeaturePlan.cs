using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Grains.Features;

/// <summary>
/// The feature sets a sweep needs before its trials can run (architecture.md, flow step 2): every teacher of every
/// combination, on the train split (stage 1 trains and scores on it) and the test split (stage 2 scores on it).
/// Each set is one grain keyed by the content hash of teacher spec + dataset content + split + split seed +
/// extractor version, extracted as one work item (the feature store shards it inside) on any silo's slot.
/// </summary>
public static class SweepFeaturePlan
{
    public static readonly IReadOnlyList<string> Splits = ["train", "test"];

    public static IReadOnlyList<FeatureSetRequest> For(SweepPlan plan)
    {
        var splitSeed = plan.Cells.SelectMany(c => c.SelectionTrials).Select(t => (int?)t.SplitSeed).FirstOrDefault()
            ?? plan.Grid.Selection.SplitSeed;
        var teachers = plan.Cells.SelectMany(c => c.Combo).DistinctBy(t => t.Spec, StringComparer.Ordinal).ToList();
        return teachers.SelectMany(teacher => Splits.Select(split =>
        {
            var key = Key(teacher.Spec, plan.DatasetFingerprint, split, splitSeed);
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
    public static IEnumerable<string> KeysFor(TrialSpec spec) =>
        spec.Combo.SelectMany(t => Splits.Select(split => Key(t.Spec, spec.DatasetFingerprint, split, spec.SplitSeed)));

    public static string Key(string teacherSpec, string datasetFingerprint, string split, int splitSeed)
    {
        var text = new StringBuilder("aftsweep-feature-set-grain/1\n");
        foreach (var (name, value) in new[] { ("teacher", teacherSpec), ("dataset", datasetFingerprint), ("split", split), ("splitSeed", splitSeed.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("extractor", CodeVersion.Extractor) })
            text.Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
