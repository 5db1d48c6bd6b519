using Microsoft.Extensions.Options;

namespace AftSweep.Grains.Options;

/// <summary>Leases, retries and recovery timings (configuration section "Scheduling").</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";
    public const int DefaultMaxAttempts = 3;

    /// <summary>Attempts a trial gets (leases that failed or expired) before it fails for good.</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;
    /// <summary>A lease with no heartbeat for this long expires and its work is re-queued.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often a slot heartbeats a running lease (well under <see cref="LeaseDuration"/>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long an idle slot's lease call waits for work before asking again (long poll).</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How often the dispatcher checks for expired leases when no lease call does.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How often the dispatcher asks sweeps it holds no work for to re-queue what they still miss.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// A trial still running this long after its slot started it fails with reason "timeout" (not retried; `retry`
    /// re-queues it) and the slot moves on even if the trial ignores cancellation. Zero: no limit.
    /// </summary>
    public TimeSpan TrialTimeout { get; set; } = TimeSpan.Zero;
    /// <summary>
    /// Placement by feature locality: how long a queued trial is kept for a silo whose local cache holds all its feature
    /// sets before any slot may take it (reading the sets from the blob store instead). Zero: a slot still prefers
    /// trials whose sets its silo holds, but nothing is kept back.
    /// </summary>
    public TimeSpan LocalityWait { get; set; } = TimeSpan.FromSeconds(2);
}

public sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions o)
    {
        var errors = new List<string>();
        if (o.MaxAttempts < 1) errors.Add($"{SchedulingOptions.Section}:{nameof(o.MaxAttempts)}: must be at least 1, got {o.MaxAttempts}");
        if (o.LeaseDuration <= TimeSpan.Zero) errors.Add($"{SchedulingOptions.Section}:{nameof(o.LeaseDuration)}: must be positive");
        if (o.HeartbeatInterval <= TimeSpan.Zero || o.HeartbeatInterval >= o.LeaseDuration)
            errors.Add($"{SchedulingOptions.Section}:{nameof(o.HeartbeatInterval)}: must be positive and shorter than {nameof(o.LeaseDuration)} ({o.LeaseDuration})");
        if (o.LongPollWait < TimeSpan.Zero || o.LongPollWait > TimeSpan.FromSeconds(20))
            errors.Add($"{SchedulingOptions.Section}:{nameof(o.LongPollWait)}: must be between 0 and 20 s (under the grain call timeout)");
        if (o.ExpiryCheckInterval <= TimeSpan.Zero) errors.Add($"{SchedulingOptions.Section}:{nameof(o.ExpiryCheckInterval)}: must be positive");
        if (o.ResyncInterval <= TimeSpan.Zero) errors.Add($"{SchedulingOptions.Section}:{nameof(o.ResyncInterval)}: must be positive");
        if (o.LocalityWait < TimeSpan.Zero || o.LocalityWait > TimeSpan.FromMinutes(10))
            errors.Add($"{SchedulingOptions.Section}:{nameof(o.LocalityWait)}: must be between 0 and 10 minutes, got {o.LocalityWait}");
        if (o.TrialTimeout < TimeSpan.Zero) errors.Add($"{SchedulingOptions.Section}:{nameof(o.TrialTimeout)}: must be zero (no limit) or positive, got {o.TrialTimeout}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
