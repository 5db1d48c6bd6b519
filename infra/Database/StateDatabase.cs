using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Database;

/// <summary>
/// The database that holds AftSweep's state: Orleans grain state (<see cref="DatabaseGrainStorage"/>), the sweeps and
/// the trial records (<see cref="DatabaseRecordStore"/>). SQLite in the state folder for the embedded default and silos
/// of one machine (<see cref="Sqlite.SqliteStateDatabase"/>), PostgreSQL for clusters
/// (<see cref="Postgres.PostgresStateDatabase"/>). Writes go through one <see cref="GroupCommitWriter"/> per database
/// and process; reads through pooled connections.
/// </summary>
public abstract class StateDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    protected StateDatabase(SqlDialect dialect, TimeProvider time, ILogger logger)
    {
        Dialect = dialect;
        Writer = new GroupCommitWriter(async ct =>
        {
            await EnsureReadyAsync(ct).ConfigureAwait(false);
            return await OpenWriterAsync(ct).ConfigureAwait(false);
        }, dialect, time, logger);
    }

    public SqlDialect Dialect { get; }

    public GroupCommitWriter Writer { get; }

    /// <summary>Where the database is ("SQLite /x/aftsweep.db", "PostgreSQL aftsweep on db:5432"): never a secret.</summary>
    public abstract string Describe();

    /// <summary>
    /// Makes the database usable once per process: SQLite creates or upgrades its schema (and imports a legacy state
    /// folder); PostgreSQL checks that `aftsweep db init` created the schema this build needs. A failure is retried by
    /// the next call (the server may be starting).
    /// </summary>
    /// <exception cref="DatabaseSchemaException">The schema is missing or of another version.</exception>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_ready) return;
        await _readyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready) return;
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }

    /// <summary>A connection for reads (pooled); the caller disposes it.</summary>
    public async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    protected abstract Task PrepareAsync(CancellationToken cancellationToken);

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The group-commit writer's connection (SQLite sets its durability pragmas on it).</summary>
    protected virtual ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken) => OpenConnectionAsync(cancellationToken);

    public virtual async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
