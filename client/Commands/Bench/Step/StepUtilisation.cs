
namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>
/// How much of the machine's fp32 peak a step's model arithmetic reaches (the FLOP/s fraction docs/benchmarks.md
/// reports). Both sides are per CPU second, so the fraction holds on a loaded machine; on CUDA, where the CPU only
/// queues kernels, wall time is the measure.
/// </summary>
public sealed record StepUtilisation(double ModelFlopsPerStep, FlopRate Peak, bool Cuda)
{
    public double PeakFlopsPerSecond => Cuda ? Peak.PerSecond : Peak.PerCpuSecond;

    public double Achieved(StepTiming timing)
    {
        var seconds = Cuda ? timing.Seconds : timing.CpuSeconds;
        return seconds > 0 ? ModelFlopsPerStep * timing.Steps / seconds : 0;
    }

    public double FractionOfPeak(StepTiming timing) => PeakFlopsPerSecond > 0 ? Achieved(timing) / PeakFlopsPerSecond : 0;
}
