using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Database;

/// <summary>
/// Group commit: writes that arrive while a transaction is running wait and go together into the next one, so under
/// load one commit (and, when the database syncs to disk, one fsync) carries many writes, and a lone write still
/// commits at once. No write is acknowledged before its transaction committed. A batch runs its writes in key order
/// (writes of one key keep their order), so concurrent batches of two processes lock rows in the same order.
/// One connection, one transaction at a time, off the callers' threads (grain turns never block on the database).
/// </summary>
public sealed partial class GroupCommitWriter(
    Func<CancellationToken, ValueTask<DbConnection>> connect,
    SqlDialect dialect,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    /// <summary>The most writes one transaction carries (bounds the latency a batch adds to the writes behind it).</summary>
    public const int MaxBatch = 512;

    private readonly Lock _gate = new();
    private List<Pending> _pending = [];
    private bool _running;
    private bool _disposed;
    private Task _loop = Task.CompletedTask;
    private DbConnection? _connection;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>Test seam and crash tests: called around each commit.</summary>
    public ICommitFaults? Faults { get; set; }

    /// <summary>Queues a write; the task completes with its result once its transaction committed (or fails with it).</summary>
    /// <param name="key">Orders writes within a batch; writes of one key keep their submission order.</param>
    public Task<T> WriteAsync<T>(string key, Func<WriteContext, ValueTask<T>> write)
    {
        var pending = new Pending<T>(key, write);
        bool start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(pending);
            start = !_running;
            _running = true;
        }
        if (start) _loop = Task.Run(RunAsync);
        return pending.Task;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }
                if (_pending.Count <= MaxBatch)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending.GetRange(0, MaxBatch);
                    _pending.RemoveRange(0, MaxBatch);
                }
            }
            // OrderBy is stable: writes of one key stay in the order they were queued.
            await CommitAsync(batch.OrderBy(p => p.Key, StringComparer.Ordinal).ToList()).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var results = new object?[batch.Count];
        var recordChanges = 0;
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using (var transaction = await dialect.BeginWriteAsync(connection, CancellationToken.None).ConfigureAwait(false))
            {
                var context = new WriteContext(connection, transaction, _commands, dialect, time.GetUtcNow());
                for (var i = 0; i < batch.Count; i++) results[i] = await batch[i].ExecuteAsync(context).ConfigureAwait(false);
                recordChanges = context.RecordChanges;
                Faults?.BeforeCommit(batch.Count, recordChanges);
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            Faults?.AfterCommit(batch.Count, recordChanges);
        }
        catch (Exception e)
        {
            await DropConnectionAsync().ConfigureAwait(false);
            if (batch.Count > 1 && !dialect.IsUnavailable(e))
            {
                // One write that fails (the database refuses a value, a bad id) must not fail the others that happened to
                // share its transaction, which rolled back with it.
                LogBatchSplit(logger, e, batch.Count);
                foreach (var single in batch) await CommitAsync([single]).ConfigureAwait(false);
                return;
            }
            LogCommitFailed(logger, e, batch.Count, dialect.Name);
            foreach (var pending in batch) pending.Fail(e);
            return;
        }
        DatabaseMetrics.Committed(batch.Count, Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < batch.Count; i++) batch[i].Complete(results[i]);
    }

    private async ValueTask<DbConnection> ConnectionAsync()
    {
        if (_connection is { } open) return open;
        _connection = await connect(CancellationToken.None).ConfigureAwait(false);
        return _connection;
    }

    /// <summary>After a failure the connection may be broken (server restarted, socket reset): the next batch opens a new one.</summary>
    private async ValueTask DropConnectionAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync().ConfigureAwait(false);
        _commands.Clear();
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or IOException or InvalidOperationException)
            {
                // Closing a connection the server already dropped: nothing left to release.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate) _disposed = true;
        await _loop.ConfigureAwait(false);
        await DropConnectionAsync().ConfigureAwait(false);
    }

    private abstract class Pending(string key)
    {
        public string Key { get; } = key;

        public abstract ValueTask<object?> ExecuteAsync(WriteContext context);

        public abstract void Complete(object? result);

        public abstract void Fail(Exception e);
    }

    private sealed class Pending<T>(string key, Func<WriteContext, ValueTask<T>> write) : Pending(key)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _done.Task;

        public override async ValueTask<object?> ExecuteAsync(WriteContext context) => await write(context).ConfigureAwait(false);

        public override void Complete(object? result) => _done.TrySetResult((T)result!);

        public override void Fail(Exception e) => _done.TrySetException(e);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A commit of {Count} writes to {Database} failed; nothing of it was acknowledged")]
    private static partial void LogCommitFailed(ILogger logger, Exception e, int count, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} writes failed on one of them: committing them one by one")]
    private static partial void LogBatchSplit(ILogger logger, Exception e, int count);
}
