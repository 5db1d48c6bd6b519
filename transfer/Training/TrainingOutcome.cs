using AftSweep.Contracts.Trials;

namespace AftSweep.Transfer.Training;

/// <summary>What the training loop measured: the per-epoch curve, last-epoch means and speed.</summary>
public sealed record TrainingOutcome
{
    public required IReadOnlyList<EpochPoint> Curve { get; init; }
    public required double FinalCrossEntropy { get; init; }
    public required double FinalRegulariser { get; init; }
    public required int Steps { get; init; }
    public required int Epochs { get; init; }
    public required double TrainSeconds { get; init; }
    public double StepsPerSecond => TrainSeconds > 0 ? Steps / TrainSeconds : 0;
}
