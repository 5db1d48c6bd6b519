using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Cluster;

/// <summary>
/// The affinity hint between trials and silos: a trial prefers a slot whose silo reports, on lease, that its
/// local feature cache holds every key of the trial. A key names one teacher's features of one dataset
/// ("teacherSpec@datasetFingerprint"); the feature store reports the keys it holds locally with the same function.
/// </summary>
public static class FeatureAffinity
{
    public static string Key(TeacherRef teacher, string datasetFingerprint) => $"{teacher.Spec}@{datasetFingerprint}";

    public static IReadOnlyList<string> KeysFor(TrialSpec spec) =>
        spec.Combo.Select(t => Key(t, spec.DatasetFingerprint)).Distinct(StringComparer.Ordinal).ToList();
}
