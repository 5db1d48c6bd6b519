using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Database;

/// <summary>
/// Group commit: writes that arrive while a transaction is running wait and go together into the next one, so under
/// load one commit (and, when the database syncs to disk, one fsync) carries many writes, and a lone write still
/// commits at once. No write is acknowledged before its transaction committed. A batch runs its writes in key order
/// (writes of one key keep their order), so concurrent batches lock rows in the same order. Transactions run on
/// <see cref="SqlDialect.WriterLanes"/> connections at most (SQLite: one, it has one writer; PostgreSQL: a few, so
/// round trips to the server overlap), off the callers' threads (grain turns never block on the database).
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
    private readonly Stack<Lane> _idle = new();
    private readonly List<Lane> _lanes = [];
    private int _running;
    private bool _disposed;

    /// <summary>Test seam and crash tests: called around each commit.</summary>
    public ICommitFaults? Faults { get; set; }

    /// <summary>Queues a write; the task completes with its result once its transaction committed (or fails with it).</summary>
    /// <param name="key">Orders writes within a batch; writes of one key keep their submission order.</param>
    public Task<T> WriteAsync<T>(string key, Func<WriteContext, ValueTask<T>> write)
    {
        var pending = new Pending<T>(key, write);
        Enqueue(pending);
        return pending.Task;
    }

    /// <summary>
    /// Queues a one-statement write; <paramref name="read"/> turns its result set into the result. Consecutive such writes
    /// of a batch share one round trip where the dialect pipelines statements.
    /// </summary>
    public Task<T> WriteAsync<T>(string key, WriteStatement statement, Func<DbDataReader, ValueTask<T>> read)
    {
        var pending = new StatementPending<T>(key, statement, read);
        Enqueue(pending);
        return pending.Task;
    }

    private void Enqueue(Pending pending)
    {
        Lane? start = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(pending);
            // A write waits for the running transactions only while every lane is busy.
            if (_running < dialect.WriterLanes)
            {
                if (!_idle.TryPop(out start))
                {
                    start = new Lane();
                    _lanes.Add(start);
                }
                _running++;
            }
        }
        if (start is not null) start.Loop = Task.Run(() => RunAsync(start));
    }

    private async Task RunAsync(Lane lane)
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running--;
                    _idle.Push(lane);
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
            await CommitAsync(lane, batch.OrderBy(p => p.Key, StringComparer.Ordinal).ToList()).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(Lane lane, List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var results = new object?[batch.Count];
        var recordChanges = 0;
        try
        {
            var connection = await ConnectionAsync(lane).ConfigureAwait(false);
            recordChanges = dialect.PipelinesStatements && batch.TrueForAll(p => p is StatementPending)
                ? await CommitPipelinedAsync(connection, batch, results).ConfigureAwait(false)
                : await CommitInTransactionAsync(connection, lane, batch, results).ConfigureAwait(false);
            Faults?.AfterCommit(batch.Count, recordChanges);
        }
        catch (Exception e)
        {
            await DropConnectionAsync(lane).ConfigureAwait(false);
            if (batch.Count > 1 && !dialect.IsUnavailable(e))
            {
                // One write that fails (the database refuses a value, a bad id) must not fail the others that happened to
                // share its transaction, which rolled back with it.
                LogBatchSplit(logger, e, batch.Count);
                foreach (var single in batch) await CommitAsync(lane, [single]).ConfigureAwait(false);
                return;
            }
            LogCommitFailed(logger, e, batch.Count, dialect.Name);
            foreach (var pending in batch) pending.Fail(e);
            return;
        }
        DatabaseMetrics.Committed(batch.Count, Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < batch.Count; i++) batch[i].Complete(results[i]);
    }

    /// <summary>The batch's writes one after another in an explicit transaction (pipelining consecutive statements where it can).</summary>
    private async Task<int> CommitInTransactionAsync(DbConnection connection, Lane lane, List<Pending> batch, object?[] results)
    {
        await using (var transaction = await dialect.BeginWriteAsync(connection, CancellationToken.None).ConfigureAwait(false))
        {
            var context = new WriteContext(connection, transaction, lane.Commands, dialect, time.GetUtcNow());
            try
            {
                for (var i = 0; i < batch.Count;)
                {
                    var run = 0;
                    while (i + run < batch.Count && batch[i + run] is StatementPending) run++;
                    if (run > 1 && dialect.PipelinesStatements)
                    {
                        await ExecutePipelinedAsync(connection, transaction, context, batch, i, run, results).ConfigureAwait(false);
                        i += run;
                    }
                    else
                    {
                        results[i] = await batch[i].ExecuteAsync(context).ConfigureAwait(false);
                        i++;
                    }
                }
                Faults?.BeforeCommit(batch.Count, context.RecordChanges);
                await transaction.CommitAsync().ConfigureAwait(false);
                return context.RecordChanges;
            }
            finally
            {
                await context.ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A batch of one-statement writes as one round trip: the statements go without BEGIN and COMMIT, and the server runs
    /// everything up to the batch's end as one implicit transaction (all or nothing), committed before it answers that
    /// the batch is done; the reader is read to that end before anything is acknowledged. From this process's side the
    /// commit has two instants only, before the batch leaves (nothing of it can be committed) and after the answer (all
    /// of it is): where the crash tests' faults fire.
    /// </summary>
    private async Task<int> CommitPipelinedAsync(DbConnection connection, List<Pending> batch, object?[] results)
    {
        var context = new WriteContext(connection, null, [], dialect, time.GetUtcNow());
        await using var pipeline = connection.CreateBatch();
        foreach (var pending in batch)
        {
            var statement = ((StatementPending)pending).Statement;
            var command = pipeline.CreateBatchCommand();
            command.CommandText = statement.Sql;
            statement.Bind(command.Parameters, context.Now);
            pipeline.BatchCommands.Add(command);
            context.RecordChanges += statement.RecordChanges;
        }
        Faults?.BeforeCommit(batch.Count, context.RecordChanges);
        await using (var reader = await pipeline.ExecuteReaderAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = await ((StatementPending)batch[i]).ReadAsync(reader).ConfigureAwait(false);
                await reader.NextResultAsync().ConfigureAwait(false);
            }
            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
                // Nothing more is expected; reading to the end is what waits for the commit.
            }
        }
        return context.RecordChanges;
    }

    /// <summary>The statements of <paramref name="count"/> consecutive writes in one round trip, their result sets read in order.</summary>
    private static async Task ExecutePipelinedAsync(DbConnection connection, DbTransaction transaction, WriteContext context, List<Pending> batch, int first, int count, object?[] results)
    {
        await using var pipeline = connection.CreateBatch();
        pipeline.Transaction = transaction;
        for (var i = first; i < first + count; i++)
        {
            var statement = ((StatementPending)batch[i]).Statement;
            var command = pipeline.CreateBatchCommand();
            command.CommandText = statement.Sql;
            statement.Bind(command.Parameters, context.Now);
            pipeline.BatchCommands.Add(command);
            context.RecordChanges += statement.RecordChanges;
        }
        await using var reader = await pipeline.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = first; i < first + count; i++)
        {
            results[i] = await ((StatementPending)batch[i]).ReadAsync(reader).ConfigureAwait(false);
            await reader.NextResultAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<DbConnection> ConnectionAsync(Lane lane) =>
        lane.Connection ??= await connect(CancellationToken.None).ConfigureAwait(false);

    /// <summary>After a failure the connection may be broken (server restarted, socket reset): the next batch opens a new one.</summary>
    private static async ValueTask DropConnectionAsync(Lane lane)
    {
        foreach (var command in lane.Commands.Values) await command.DisposeAsync().ConfigureAwait(false);
        lane.Commands.Clear();
        if (lane.Connection is { } connection)
        {
            lane.Connection = null;
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
        List<Lane> lanes;
        lock (_gate)
        {
            _disposed = true;
            lanes = [.. _lanes];
        }
        foreach (var lane in lanes)
        {
            await lane.Loop.ConfigureAwait(false);
            await DropConnectionAsync(lane).ConfigureAwait(false);
        }
    }

    /// <summary>One connection of the writer and the commands kept for it; runs one transaction at a time.</summary>
    private sealed class Lane
    {
        public DbConnection? Connection { get; set; }
        public Dictionary<string, DbCommand> Commands { get; } = new(StringComparer.Ordinal);
        public Task Loop { get; set; } = Task.CompletedTask;
    }

    private abstract class Pending(string key)
    {
        public string Key { get; } = key;

        public abstract ValueTask<object?> ExecuteAsync(WriteContext context);

        public abstract void Complete(object? result);

        public abstract void Fail(Exception e);
    }

    private abstract class StatementPending(string key, WriteStatement statement) : Pending(key)
    {
        public WriteStatement Statement { get; } = statement;

        public abstract ValueTask<object?> ReadAsync(DbDataReader reader);
    }

    private sealed class StatementPending<T>(string key, WriteStatement statement, Func<DbDataReader, ValueTask<T>> read) : StatementPending(key, statement)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _done.Task;

        /// <summary>Alone (or where statements are not pipelined): one command on the batch's transaction.</summary>
        public override async ValueTask<object?> ExecuteAsync(WriteContext context)
        {
            var command = context.Command(Statement.Sql);
            Statement.Bind(command.Parameters, context.Now);
            context.RecordChanges += Statement.RecordChanges;
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            return await ReadAsync(reader).ConfigureAwait(false);
        }

        public override async ValueTask<object?> ReadAsync(DbDataReader reader) => await read(reader).ConfigureAwait(false);

        public override void Complete(object? result) => _done.TrySetResult((T)result!);

        public override void Fail(Exception e) => _done.TrySetException(e);
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
