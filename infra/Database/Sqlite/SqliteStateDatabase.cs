using System.Data.Common;
using AftSweep.Infra.Database.Legacy;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Database.Sqlite;

/// <summary>
/// The embedded default's state database: one SQLite file (aftsweep.db) in the state folder, in WAL mode, so readers
/// never wait for the writer and several silo processes of one machine can share it (each commit takes SQLite's write
/// lock; a busy lock is waited for). Every acknowledged commit survives a crash of the process (WAL with
/// synchronous=NORMAL: the commit is in the operating system's file cache); with <c>flushToDisk</c> (synchronous=FULL)
/// it also survives power loss, one fsync per commit batch. Checkpoints run in the background, not inside commits.
/// Opening creates or upgrades the schema and imports a state folder written by an earlier AftSweep (<see cref="LegacyImport"/>).
/// </summary>
public sealed partial class SqliteStateDatabase : StateDatabase
{
    public const string FileName = "aftsweep.db";

    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    public static readonly IReadOnlyList<SchemaComponent> Components =
    [
        new(SchemaComponent.AftSweep, ["sqlite-aftsweep-001.sql"]),
    ];

    /// <summary>How often the write-ahead log is copied into the database file (see <see cref="CheckpointAsync"/>).</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    /// <summary>The write-ahead log file is truncated to this after a checkpoint (it grows between checkpoints under load).</summary>
    public const long WalSizeLimit = 64L << 20;

    private readonly CancellationTokenSource _stop = new();
    private Task? _checkpointer;
    private readonly string _connectionString;
    private readonly bool _flushToDisk;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SqliteStateDatabase(string stateFolder, bool flushToDisk, TimeProvider time, ILogger<SqliteStateDatabase> logger)
        : base(SqliteDialect.Instance, time, logger)
    {
        StateFolder = Path.GetFullPath(stateFolder);
        File = Path.Combine(StateFolder, FileName);
        _flushToDisk = flushToDisk;
        _time = time;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = File,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string StateFolder { get; }

    /// <summary>The database file (aftsweep.db in the state folder).</summary>
    public string File { get; }

    /// <summary>The legacy folder import this instance did when it opened the database; null when none was needed.</summary>
    public LegacyImportReport? Imported { get; private set; }

    public override string Describe() => $"SQLite {File}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(StateFolder);
        await using var connection = (SqliteConnection)await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var wal = connection.CreateCommand())
        {
            // Persistent in the file: every later connection, of any process, uses the write-ahead log.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            var applied = await SchemaMigrator.MigrateAsync(connection, transaction, Components, Describe(), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (applied.Count > 0) LogSchema(_logger, File, string.Join(", ", applied));
        }
        Imported = await LegacyImport.RunAsync(connection, Dialect, StateFolder, Describe(), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (Imported is not null) LogImported(_logger, Imported.Describe());
        _checkpointer ??= Task.Run(CheckpointAsync, CancellationToken.None);
    }

    /// <summary>A pooled connection for reads: in WAL mode readers never wait for the writer.</summary>
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The writer's connection: SQLite's own busy handler (BEGIN IMMEDIATE included) waits for another process's write
    /// lock; durability per <c>flushToDisk</c>; and no checkpoint inside a commit (the checkpointer does them).
    /// </summary>
    protected override async ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText =
            $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(_flushToDisk ? "FULL" : "NORMAL")}; " +
            $"PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WalSizeLimit}";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Copies the write-ahead log into the database file every <see cref="CheckpointInterval"/>, off the commit path:
    /// SQLite would otherwise do it inside whichever commit crosses its threshold (a stall of tens of milliseconds, with
    /// fsyncs). Passive: it never blocks a writer or a reader; what it cannot copy yet it copies next time.
    /// </summary>
    private async Task CheckpointAsync()
    {
        SqliteConnection? connection = null;
        using var timer = new PeriodicTimer(CheckpointInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    connection ??= (SqliteConnection)await OpenWriterAsync(_stop.Token).ConfigureAwait(false);
                    await using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await checkpoint.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
                {
                    LogCheckpointFailed(_logger, e, File);
                    if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_checkpointer is not null) await _checkpointer.ConfigureAwait(false);
        _stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
        // Pooled connections keep the file (and its -wal/-shm) open: release them with the database.
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "State database {File}: schema {Migrations}")]
    private static partial void LogSchema(ILogger logger, string file, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State database {File}: a checkpoint failed (the next one retries)")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception e, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Report}")]
    private static partial void LogImported(ILogger logger, string report);
}
