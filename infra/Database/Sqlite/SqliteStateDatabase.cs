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
/// it also survives power loss, one fsync per commit batch. Opening creates or upgrades the schema and imports a state
/// folder written by an earlier AftSweep (<see cref="LegacyImport"/>).
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
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            // SQLite's own busy handler (BEGIN IMMEDIATE included) waits for another process's write lock.
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous = {(_flushToDisk ? "FULL" : "NORMAL")}";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        // Pooled connections keep the file (and its -wal/-shm) open: release them with the database.
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "State database {File}: schema {Migrations}")]
    private static partial void LogSchema(ILogger logger, string file, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Report}")]
    private static partial void LogImported(ILogger logger, string report);
}
