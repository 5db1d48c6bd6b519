using AftSweep.Transfer.Training;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>How much of the machine's fp32 peak a step's model arithmetic reaches (issue: FLOP/s fraction for cnn-small).</summary>
public sealed record StepUtilisation(double ModelFlopsPerStep, double PeakFlopsPerSecond)
{
    public double Achieved(StepTiming timing) => timing.Seconds > 0 ? ModelFlopsPerStep * timing.Steps / timing.Seconds : 0;

    public double FractionOfPeak(StepTiming timing) => PeakFlopsPerSecond > 0 ? Achieved(timing) / PeakFlopsPerSecond : 0;
}
