using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Features;

/// <summary>
/// The one identity of a feature set: one teacher's features of one split of one dataset, by one extractor version.
/// Its <see cref="Key"/> is the feature-set grain's key, the blob prefix in the feature store
/// (<c>features/&lt;key&gt;/</c>) and the placement key a silo's local cache reports, so the three always agree.
/// Everything in it is portable: the teacher is its parsed spec without paths plus the sha256 of its files, the
/// dataset is its fingerprint (content and loader options; the split seed is in it when a <c>limit</c> draws rows).
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FeatureSetId.v1")]
public sealed record FeatureSetId
{
    public const string Train = "train";
    public const string Test = "test";
    /// <summary>Both splits a sweep needs: stage 1 trains and scores on train, stage 2 scores on test.</summary>
    public static readonly IReadOnlyList<string> Splits = [Train, Test];

    private const string Domain = "aftsweep-feature-set/2";

    /// <summary><see cref="TeacherSpec.PortableForm"/>, then '#' and the teacher's files' sha256 when it has files.</summary>
    [Id(0)] public required string Teacher { get; init; }
    [Id(1)] public required string DatasetFingerprint { get; init; }
    /// <summary><see cref="Train"/> or <see cref="Test"/>.</summary>
    [Id(2)] public required string Split { get; init; }
    /// <summary><see cref="CodeVersion.Extractor"/> when the set was (or will be) extracted.</summary>
    [Id(3)] public required string Extractor { get; init; }

    /// <summary>sha256 (64 lowercase hex) over the four parts, each length-prefixed so no two ids hash alike.</summary>
    public string Key
    {
        get
        {
            var text = new StringBuilder(Domain).Append('\n');
            Append(text, "teacher", Teacher);
            Append(text, "dataset", DatasetFingerprint);
            Append(text, "split", Split);
            Append(text, "extractor", Extractor);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <param name="teacher">The parsed teacher spec.</param>
    /// <param name="teacherFingerprint">sha256 of the teacher's files (<see cref="TeacherFingerprint"/>); required exactly when it has files.</param>
    public static FeatureSetId For(TeacherSpec teacher, string? teacherFingerprint, string datasetFingerprint, string split,
        string extractor = CodeVersion.Extractor)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentException.ThrowIfNullOrEmpty(datasetFingerprint);
        if (split is not (Train or Test)) throw new ArgumentException($"split '{split}': expected '{Train}' or '{Test}'", nameof(split));
        var hasFiles = teacher.ContentFiles.Count > 0;
        if (hasFiles && string.IsNullOrEmpty(teacherFingerprint))
            throw new ArgumentException($"teacher '{teacher}' is made of files: its fingerprint is part of the feature-set id", nameof(teacherFingerprint));
        return new FeatureSetId
        {
            Teacher = hasFiles ? $"{teacher.PortableForm}#{teacherFingerprint}" : teacher.PortableForm,
            DatasetFingerprint = datasetFingerprint,
            Split = split,
            Extractor = extractor,
        };
    }

    /// <summary>The id of <paramref name="teacher"/>'s set; its fingerprint is computed from its files when the planner has not set it.</summary>
    public static FeatureSetId For(TeacherRef teacher, string datasetFingerprint, string split)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        var spec = ParseCanonical(teacher.Spec);
        return For(spec, teacher.Fingerprint ?? TeacherFingerprint.Compute(spec), datasetFingerprint, split);
    }

    /// <summary>The sets a trial reads: every teacher of its combo, on both splits.</summary>
    public static IReadOnlyList<FeatureSetId> ForTrial(TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.Combo.DistinctBy(t => t.Spec, StringComparer.Ordinal)
            .SelectMany(t => Splits.Select(split => For(t, trial.DatasetFingerprint, split)))
            .ToList();
    }

    /// <summary>
    /// The keys of the sets a trial reads, as a placement hint: never reads a file, never throws. Empty when some
    /// teacher cannot be keyed without its files (a file teacher with no fingerprint, as in state written before
    /// teachers had one) or the trial has no dataset fingerprint: such a trial has no preference.
    /// </summary>
    public static IReadOnlyList<string> PlacementKeys(TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (string.IsNullOrEmpty(trial.DatasetFingerprint)) return [];
        var keys = new List<string>();
        foreach (var teacher in trial.Combo.DistinctBy(t => t.Spec, StringComparer.Ordinal))
        {
            if (!TeacherSpec.TryParse(teacher.Spec, Path.GetPathRoot(Environment.CurrentDirectory)!, out var spec, out _)) return [];
            if (spec.ContentFiles.Count > 0 && string.IsNullOrEmpty(teacher.Fingerprint)) return [];
            keys.AddRange(Splits.Select(split => For(spec, teacher.Fingerprint, trial.DatasetFingerprint, split).Key));
        }
        return keys;
    }

    public override string ToString() => $"{Key[..12]} ({Teacher}, {Split}, dataset {DatasetFingerprint[..Math.Min(12, DatasetFingerprint.Length)]}, {Extractor})";

    /// <summary>A <see cref="TeacherRef.Spec"/> is canonical (absolute paths), so the base directory is never used.</summary>
    private static TeacherSpec ParseCanonical(string spec) =>
        TeacherSpec.TryParse(spec, Path.GetPathRoot(Environment.CurrentDirectory)!, out var parsed, out var error)
            ? parsed
            : throw new ArgumentException($"teacher spec '{spec}': {error}", nameof(spec));

    private static void Append(StringBuilder sb, string name, string value) =>
        sb.Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
}
