using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Cluster;

/// <summary>
/// The client side of the protocol, used by the CLI verbs: submit, status, trials, records, retry, cancel, wait.
/// Works over any grain factory: a remote cluster's client, or the embedded silo's own.
/// </summary>
public sealed class SweepClient(IGrainFactory grains)
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Submits a plan; resubmitting the same grid returns the same sweep id (and resumes it).</summary>
    public Task<SweepSubmission> SubmitAsync(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Sweep(plan.SweepId).SubmitAsync(plan);
    }

    public async Task<SweepStatus> GetStatusAsync(string sweepId)
    {
        var status = await Sweep(sweepId).GetStatusAsync();
        return status.Phase == SweepPhase.NotSubmitted ? throw new SweepNotFoundException(sweepId) : status;
    }

    public async Task<IReadOnlyList<TrialSummary>> GetTrialsAsync(string sweepId, TrialFilter? filter = null)
    {
        await GetStatusAsync(sweepId);
        return await Sweep(sweepId).GetTrialsAsync(filter ?? TrialFilter.All);
    }

    public async Task<IReadOnlyList<TrialRecord>> GetRecordsAsync(string sweepId)
    {
        await GetStatusAsync(sweepId);
        return await Sweep(sweepId).GetRecordsAsync();
    }

    /// <summary>
    /// Every sweep the cluster knows, newest submission first, each with its status and last activity (the latest
    /// trial finish, else its submission).
    /// </summary>
    public async Task<IReadOnlyList<SweepOverview>> ListAsync()
    {
        var registered = await grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.Key).ListAsync();
        return await Task.WhenAll(registered.Select(async sweep =>
        {
            var grain = Sweep(sweep.SweepId);
            var status = grain.GetStatusAsync();
            var records = grain.GetRecordsAsync();
            var finished = (await records).Select(r => r.FinishedAt).OfType<DateTimeOffset>().DefaultIfEmpty(sweep.SubmittedAt).Max();
            return new SweepOverview(sweep, await status, finished > sweep.SubmittedAt ? finished : sweep.SubmittedAt);
        }));
    }

    /// <summary>Re-queues every failed trial, or only <paramref name="trialId"/>; returns how many were re-queued.</summary>
    public Task<int> RetryAsync(string sweepId, string? trialId = null) => Sweep(sweepId).RetryAsync(trialId);

    public Task<int> CancelAsync(string sweepId) => Sweep(sweepId).CancelAsync();

    /// <summary>Polls until the sweep completes or is cancelled, reporting each status.</summary>
    public async Task<SweepStatus> WaitForCompletionAsync(string sweepId, IProgress<SweepStatus>? progress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? DefaultPollInterval;
        while (true)
        {
            var status = await GetStatusAsync(sweepId);
            progress?.Report(status);
            if (status.IsDone) return status;
            await Task.Delay(interval, cancellationToken);
        }
    }

    private ISweepGrain Sweep(string sweepId)
    {
        if (string.IsNullOrWhiteSpace(sweepId)) throw new ArgumentException("sweep id must not be empty", nameof(sweepId));
        return grains.GetGrain<ISweepGrain>(sweepId);
    }
}
