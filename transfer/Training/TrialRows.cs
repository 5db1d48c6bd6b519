using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Training;

/// <summary>
/// Which rows a trial trains and evaluates on (methods.md): selection = the 90% / 10% holdout split of train
/// (split seed, not trial seed); final = all of train vs test. Index lists are null when a whole split is used.
/// </summary>
public sealed record TrialRows(LabeledSplit Train, LabeledSplit Eval, string EvaluatedOn,
    IReadOnlyList<int>? TrainIndices, IReadOnlyList<int>? EvalIndices)
{
    public const string Holdout = "holdout";
    public const string Test = "test";

    public static TrialRows For(TrialSpec spec, LoadedDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(dataset);
        if (spec.Stage == TrialStage.Final) return new TrialRows(dataset.Train, dataset.Test, Test, null, null);
        var split = HoldoutSplit.Create(dataset.Train.Rows, spec.HoldoutFraction, spec.SplitSeed);
        return new TrialRows(dataset.Train.Select(split.Train), dataset.Train.Select(split.Holdout), Holdout, split.Train, split.Holdout);
    }
}
