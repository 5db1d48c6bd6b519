using Microsoft.Extensions.Options;

namespace AftSweep.Infra.Storage;

/// <summary>
/// How blob I/O is retried and timed out (bound from configuration section <see cref="SectionName"/>). Each
/// operation gets <see cref="MaxRetryAttempts"/> retries with exponential backoff and jitter on transient
/// failures (408, 429, 5xx, network), each attempt at most <see cref="AttemptTimeout"/>, the whole operation
/// at most <see cref="TotalTimeout"/>.
/// </summary>
public sealed class BlobStoreOptions
{
    public const string SectionName = "AftSweep:Storage";
    public const string DefaultContainer = "aftsweep";
    public const int DefaultMaxRetryAttempts = 4;
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Azure: the blob container that holds everything (created on first write).</summary>
    public string Container { get; set; } = DefaultContainer;
    public int MaxRetryAttempts { get; set; } = DefaultMaxRetryAttempts;
    /// <summary>Backoff before the first retry; doubles each retry (with jitter), capped at <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = DefaultBaseDelay;
    public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;
    public TimeSpan TotalTimeout { get; set; } = DefaultTotalTimeout;
}

/// <summary>Checks <see cref="BlobStoreOptions"/>; each message names the option.</summary>
public sealed class BlobStoreOptionsValidator : IValidateOptions<BlobStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, BlobStoreOptions options)
    {
        var failures = Problems(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>For callers outside DI (the CLI): throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static BlobStoreOptions ThrowIfInvalid(BlobStoreOptions options)
    {
        var failures = Problems(options).ToList();
        if (failures.Count > 0) throw new OptionsValidationException(nameof(BlobStoreOptions), typeof(BlobStoreOptions), failures);
        return options;
    }

    private static IEnumerable<string> Problems(BlobStoreOptions o)
    {
        var prefix = BlobStoreOptions.SectionName + ":";
        if (!IsValidContainerName(o.Container))
            yield return $"{prefix}{nameof(o.Container)}: '{o.Container}' is not a valid container name (3-63 lowercase letters, digits and single '-', starting with a letter or digit)";
        if (o.MaxRetryAttempts is < 0 or > 20)
            yield return $"{prefix}{nameof(o.MaxRetryAttempts)}: {o.MaxRetryAttempts} is out of range (0-20)";
        if (o.BaseDelay <= TimeSpan.Zero)
            yield return $"{prefix}{nameof(o.BaseDelay)}: must be positive (got {o.BaseDelay})";
        if (o.MaxDelay < o.BaseDelay)
            yield return $"{prefix}{nameof(o.MaxDelay)}: must be at least {nameof(o.BaseDelay)} (got {o.MaxDelay} < {o.BaseDelay})";
        if (o.AttemptTimeout <= TimeSpan.Zero)
            yield return $"{prefix}{nameof(o.AttemptTimeout)}: must be positive (got {o.AttemptTimeout})";
        if (o.TotalTimeout < o.AttemptTimeout)
            yield return $"{prefix}{nameof(o.TotalTimeout)}: must be at least {nameof(o.AttemptTimeout)} (got {o.TotalTimeout} < {o.AttemptTimeout})";
    }

    private static bool IsValidContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && !name.Contains("--", StringComparison.Ordinal);
}
