using AftSweep.Contracts.Trials;

namespace AftSweep.Workers.Slots;

/// <summary>Keeps only the latest progress report; the slot sends it with the next heartbeat (no synchronisation context involved).</summary>
public sealed class LatestProgress : IProgress<TrialProgress>
{
    private TrialProgress? _latest;

    public TrialProgress? Latest => Volatile.Read(ref _latest);

    public void Report(TrialProgress value) => Volatile.Write(ref _latest, value);
}
