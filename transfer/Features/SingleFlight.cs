using System.Collections.Concurrent;

namespace AftSweep.Transfer.Features;

/// <summary>
/// At most one run of the work per key at a time inside this process: callers that arrive while it runs await
/// the same task. The run uses the first caller's cancellation token; if that caller cancels, a waiter that has
/// not cancelled starts a fresh run rather than inheriting the cancellation.
/// </summary>
public sealed class SingleFlight<TKey, TResult> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _running = new();

    public int Running => _running.Count;

    public async Task<TResult> RunAsync(TKey key, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mine = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = _running.GetOrAdd(key, mine.Task);
            if (current == mine.Task) return await LeadAsync(key, mine, work, cancellationToken).ConfigureAwait(false);
            try
            {
                return await current.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && current.IsCanceled)
            {
                // The leader was cancelled, not us: try again (we may lead this time).
            }
        }
    }

    private async Task<TResult> LeadAsync(TKey key, TaskCompletionSource<TResult> mine, Func<CancellationToken, Task<TResult>> work,
        CancellationToken cancellationToken)
    {
        try
        {
            var result = await work(cancellationToken).ConfigureAwait(false);
            mine.SetResult(result);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            mine.SetCanceled(cancellationToken);
            throw;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed: the caller gets it rethrown below
            throw;
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, mine.Task));
        }
    }
}
