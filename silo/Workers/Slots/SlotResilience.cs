using Polly;
using Polly.Retry;

namespace AftSweep.Workers.Slots;

/// <summary>
/// The Polly pipelines of a worker slot's calls to the dispatcher (like the blob store's, infra/Storage):
/// lease calls retry until the slot stops, with exponential backoff from <see cref="MinBackoff"/> to
/// <see cref="MaxBackoff"/> (the dispatcher may be moving to another silo); commits retry <see cref="CommitTries"/>
/// times (commits are idempotent by fencing token), after which the lease is left to expire and its work re-queued.
/// </summary>
public static class SlotResilience
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    public const int CommitTries = 5;

    /// <summary>The work item a commit is for, for the retry log line.</summary>
    public static readonly ResiliencePropertyKey<string> CommitKey = new("aftsweep.commit-key");

    /// <param name="onRetry">The failure and the delay before the next try.</param>
    public static ResiliencePipeline Lease(Action<Exception, TimeSpan> onRetry) => new ResiliencePipelineBuilder { Name = "aftsweep-slot-lease" }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = MinBackoff,
            MaxDelay = MaxBackoff,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            OnRetry = args =>
            {
                onRetry(args.Outcome.Exception!, args.RetryDelay);
                return default;
            },
        })
        .Build();

    /// <param name="onRetry">The failure, the work item's key (<see cref="CommitKey"/>) and the try that failed (1-based).</param>
    public static ResiliencePipeline Commit(Action<Exception, string, int> onRetry) => new ResiliencePipelineBuilder { Name = "aftsweep-slot-commit" }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = CommitTries - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = MinBackoff,
            MaxDelay = MaxBackoff,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            OnRetry = args =>
            {
                onRetry(args.Outcome.Exception!, args.Context.Properties.GetValue(CommitKey, "?"), args.AttemptNumber + 1);
                return default;
            },
        })
        .Build();
}
