using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AftSweep.Infra.Database.Sqlite;

public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    /// <summary>The text form of timestamps: what SQLite's own date and time functions parse.</summary>
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff";

    public override string Name => "SQLite";

    public override bool ReusesCommands => true;

    /// <summary>SQLite has one writer per database: a second transaction would only wait for the first's lock.</summary>
    public override int WriterLanes => 1;

    public override bool PipelinesStatements => false;

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // BEGIN IMMEDIATE: the write lock is taken before the first statement, so two processes never both hold a read
        // snapshot they then fail to upgrade (SQLITE_BUSY mid-transaction); a busy lock is waited for (busy timeout).
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override void AddJson(DbCommand command, string name, string json) => Add(command, name, json);

    public override object Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public override bool IsUnavailable(Exception e) =>
        e is IOException or UnauthorizedAccessException
        || e is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_IOERR
            or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_CORRUPT
            or SQLitePCL.raw.SQLITE_NOTADB or SQLitePCL.raw.SQLITE_PERM };
}
