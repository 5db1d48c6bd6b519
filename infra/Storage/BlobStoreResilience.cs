using AftSweep.Infra.Metrics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AftSweep.Infra.Storage;

/// <summary>
/// The Polly pipeline every blob operation runs through: overall timeout (outermost), then retry with
/// exponential backoff and jitter on <see cref="TransientFailures"/>, then a per-attempt timeout (innermost).
/// </summary>
public static class BlobStoreResilience
{
    public static ResiliencePipeline CreatePipeline(BlobStoreOptions options, string storeDescription, ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        BlobStoreOptionsValidator.ThrowIfInvalid(options);
        var builder = new ResiliencePipelineBuilder { Name = "aftsweep-blob" };
        if (timeProvider is not null) builder.TimeProvider = timeProvider;
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && TransientFailures.IsTransient(e)),
                OnRetry = args =>
                {
                    StorageMetrics.Retried(args.Context.OperationKey);
                    if (logger is not null && args.Outcome.Exception is { } e)
                        BlobStoreLog.Retrying(logger, storeDescription, args.AttemptNumber + 1, options.MaxRetryAttempts,
                            args.RetryDelay.TotalMilliseconds, SecretRedactor.Redact(e.Message));
                    return default;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        return builder.Build();
    }
}
