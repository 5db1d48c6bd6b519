using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Interfaces;
using AftSweep.Infra.Orleans;

namespace AftSweep.Client.Cluster;

/// <summary>
/// The client side of the protocol, used by the CLI verbs: submit, status, trials, records, retry, cancel, resume, wait.
/// Works over any grain factory: a remote cluster's client, or the embedded silo's own. Every call rides out a silo
/// failing over (<see cref="ClusterCallResilience"/>); every sweep id may be given as a unique prefix (<see cref="ResolveAsync"/>).
/// </summary>
public sealed class SweepClient(IGrainFactory grains, ClusterCallResilience? resilience = null)
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);
    /// <summary>The shortest prefix of a sweep id a verb accepts (a full id is <see cref="TrialIds.Length"/> characters).</summary>
    public const int MinimumPrefix = 8;

    private readonly ClusterCallResilience _calls = resilience ?? new ClusterCallResilience(TimeSpan.Zero);

    /// <summary>Submits a plan; resubmitting the same grid returns the same sweep id (and resumes it, unless cancelled).</summary>
    public Task<SweepSubmission> SubmitAsync(SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return _calls.CallAsync(_ => Sweep(plan.SweepId).SubmitAsync(plan));
    }

    /// <summary>
    /// The full id of the sweep <paramref name="idOrPrefix"/> names: the id itself, or a prefix of at least
    /// <see cref="MinimumPrefix"/> characters that exactly one sweep of this cluster starts with.
    /// </summary>
    /// <exception cref="SweepNotFoundException">No sweep has that id or prefix.</exception>
    /// <exception cref="ArgumentException">Not hex, too short, or a prefix of several sweeps (they are named).</exception>
    public async Task<string> ResolveAsync(string idOrPrefix)
    {
        var id = (idOrPrefix ?? "").Trim().ToLowerInvariant();
        if (id.Length == 0) throw new ArgumentException("SWEEP: a sweep id is needed (`aftsweep status` lists them)");
        if (!id.All(Uri.IsHexDigit) || id.Length > TrialIds.Length)
            throw new ArgumentException($"SWEEP: '{idOrPrefix}' is not a sweep id (the {TrialIds.Length} hex characters `submit` and `run` print, or at least {MinimumPrefix} of them)");
        var registered = await _calls.CallAsync(_ => grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.Key).ListAsync());
        if (registered.Any(r => r.SweepId == id)) return id;
        if (id.Length == TrialIds.Length)
        {
            // A sweep submitted before the registry existed is known to its grain only.
            await GetStatusAsync(id);
            return id;
        }
        if (id.Length < MinimumPrefix)
            throw new ArgumentException($"SWEEP: '{idOrPrefix}' is too short: give at least {MinimumPrefix} characters of the sweep id, or all {TrialIds.Length}");
        return ResolvePrefix(idOrPrefix!, registered);
    }

    /// <summary>The one sweep of <paramref name="registered"/> that a checked prefix names (the rules of <see cref="ResolveAsync"/>).</summary>
    public static string ResolvePrefix(string idOrPrefix, IReadOnlyList<SweepRegistration> registered)
    {
        var id = idOrPrefix.Trim().ToLowerInvariant();
        var matches = registered.Where(r => r.SweepId.StartsWith(id, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            0 => throw new SweepNotFoundException(idOrPrefix),
            1 => matches[0].SweepId,
            _ => throw new ArgumentException(
                $"SWEEP: '{idOrPrefix}' is the start of {matches.Count} sweeps ({string.Join(", ", matches.Select(m => $"{m.SweepId} '{m.Name}'"))}): give more characters"),
        };
    }

    public async Task<SweepStatus> GetStatusAsync(string sweepId)
    {
        var status = await _calls.CallAsync(_ => Sweep(sweepId).GetStatusAsync());
        return status.Phase == SweepPhase.NotSubmitted ? throw new SweepNotFoundException(sweepId) : status;
    }

    public async Task<IReadOnlyList<TrialSummary>> GetTrialsAsync(string sweepId, TrialFilter? filter = null)
    {
        await GetStatusAsync(sweepId);
        return await _calls.CallAsync(_ => Sweep(sweepId).GetTrialsAsync(filter ?? TrialFilter.All));
    }

    public async Task<IReadOnlyList<TrialRecord>> GetRecordsAsync(string sweepId)
    {
        await GetStatusAsync(sweepId);
        return await _calls.CallAsync(_ => Sweep(sweepId).GetRecordsAsync());
    }

    /// <summary>
    /// Every sweep the cluster knows, newest submission first, each with its status and last activity (the latest
    /// trial finish, else its submission).
    /// </summary>
    public Task<IReadOnlyList<SweepOverview>> ListAsync() => _calls.CallAsync<IReadOnlyList<SweepOverview>>(async _ =>
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
    });

    /// <summary>Re-queues every failed trial, or only <paramref name="trialId"/>; returns how many were re-queued.</summary>
    public Task<int> RetryAsync(string sweepId, string? trialId = null) => _calls.CallAsync(_ => Sweep(sweepId).RetryAsync(trialId));

    public Task<int> CancelAsync(string sweepId) => _calls.CallAsync(_ => Sweep(sweepId).CancelAsync());

    /// <summary>Resumes a cancelled sweep: its unfinished trials are queued again (none re-run that finished); returns how many.</summary>
    public Task<int> ResumeAsync(string sweepId) => _calls.CallAsync(_ => Sweep(sweepId).ResumeAsync());

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
