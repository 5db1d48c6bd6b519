using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

public enum SplitName { Train = 1, Test = 2 }

/// <summary>A dataset loaded per its <see cref="DatasetSpec"/> (limits applied), with its identity.</summary>
public sealed class LoadedDataset
{
    public required DatasetSpec Spec { get; init; }
    /// <summary>sha256 (hex) of the files' contents and the loader options: the dataset's identity.</summary>
    public required string Fingerprint { get; init; }
    public required LabeledSplit Train { get; init; }
    public required LabeledSplit Test { get; init; }
    /// <summary>Class names in class-id order (string labels sorted; integer labels as their text).</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    public int NumClasses => ClassNames.Count;
    public LabeledSplit Split(SplitName split) => split == SplitName.Train ? Train : Test;
}
