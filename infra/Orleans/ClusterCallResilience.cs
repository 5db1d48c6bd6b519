using System.Diagnostics;
using Polly;
using Polly.Retry;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// The Polly pipeline a client's grain calls run through: a silo failing over (killed, not yet declared dead, its
/// grains moving) makes calls fail for seconds, so transient failures (<see cref="TransientClusterFailures"/>) are
/// retried with exponential backoff and jitter until <see cref="RetryFor"/> has passed since the first one. The first
/// retry and the recovery are reported through the note callback, so a user sees why a command pauses.
/// </summary>
public sealed class ClusterCallResilience
{
    public static readonly TimeSpan DefaultRetryFor = TimeSpan.FromSeconds(60);
    private static readonly ResiliencePropertyKey<long> FirstFailure = new("aftsweep.first-failure");

    private readonly ResiliencePipeline _pipeline;
    private readonly Action<string>? _note;

    public ClusterCallResilience(TimeSpan? retryFor = null, Action<string>? note = null, TimeProvider? time = null)
    {
        RetryFor = retryFor ?? DefaultRetryFor;
        if (RetryFor < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryFor), RetryFor, "must not be negative");
        _note = note;
        var builder = new ResiliencePipelineBuilder { Name = "aftsweep-cluster-call" };
        if (time is not null) builder.TimeProvider = time;
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(4),
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } e
                && !args.Context.CancellationToken.IsCancellationRequested
                && TransientClusterFailures.IsTransient(e)
                && Elapsed(args.Context) < RetryFor),
            OnRetry = args =>
            {
                if (args.AttemptNumber == 0)
                {
                    args.Context.Properties.Set(FirstFailure, Stopwatch.GetTimestamp());
                    _note?.Invoke($"note: the cluster did not answer ({Describe(args.Outcome.Exception!)}); retrying for up to {RetryFor.TotalSeconds:0} s");
                }
                return default;
            },
        });
        _pipeline = builder.Build();
    }

    /// <summary>How long transient failures are retried, from the first one.</summary>
    public TimeSpan RetryFor { get; }

    /// <exception cref="ClusterCallFailedException">Transient failures outlasted <see cref="RetryFor"/>.</exception>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state(ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<T>(e);
                    }
                }, context, call).ConfigureAwait(false);
            var retried = context.Properties.TryGetValue(FirstFailure, out var first);
            if (outcome.Exception is { } error)
            {
                if (retried && TransientClusterFailures.IsTransient(error))
                    throw new ClusterCallFailedException($"the cluster did not answer for {Stopwatch.GetElapsedTime(first).TotalSeconds:0} s ({Describe(error)})", error);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
            if (retried) _note?.Invoke($"note: the cluster answered again after {Stopwatch.GetElapsedTime(first).TotalSeconds:0.0} s");
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public Task CallAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken = default) =>
        CallAsync(async ct =>
        {
            await call(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static TimeSpan Elapsed(ResilienceContext context) =>
        context.Properties.TryGetValue(FirstFailure, out var first) ? Stopwatch.GetElapsedTime(first) : TimeSpan.Zero;

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ").Trim()}";
}

/// <summary>A cluster that kept failing transiently for longer than the client's retry window.</summary>
public sealed class ClusterCallFailedException(string message, Exception inner) : Exception(message, inner);
