using System.Data;
using System.Data.Common;

namespace AftSweep.Infra.Database;

/// <summary>
/// What differs between the databases the state lives in. The statements themselves are shared (see
/// <see cref="StateSql"/>): both SQLite (3.35+) and PostgreSQL speak INSERT ... ON CONFLICT and RETURNING.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>"SQLite" or "PostgreSQL", for messages.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether a writer keeps one command per statement for its connection's life. SQLite compiles a statement per command,
    /// so reusing the command saves the compile; Npgsql prepares statements per connection by their text (auto-prepare),
    /// and a reused command whose parameters were replaced does not run reliably once prepared: a fresh one each time.
    /// </summary>
    public abstract bool ReusesCommands { get; }

    /// <summary>How many transactions a process's writer runs at once (SQLite: one; a server: a few, overlapping round trips).</summary>
    public abstract int WriterLanes { get; }

    /// <summary>
    /// Whether consecutive one-statement writes of a batch go to the database in one round trip (a server: yes; SQLite,
    /// in the process: nothing to save).
    /// </summary>
    public abstract bool PipelinesStatements { get; }

    /// <summary>
    /// A grain state write and the record changes that go with it as one statement returning one row (new version or
    /// NULL when the expected version is not the live one; and the live version), or null where the database cannot do
    /// that in one statement (the writes then run one after another in the batch's transaction).
    /// </summary>
    public virtual WriteStatement? StateWriteStatement(StateWrite write) => null;

    /// <summary>Starts the write transaction of a commit batch (SQLite takes the write lock up front).</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A record's JSON document (a json column in PostgreSQL, text in SQLite).</summary>
    public abstract void AddJson(DbCommand command, string name, string json);

    /// <summary>A point in time (timestamptz in PostgreSQL; ISO-8601 UTC text in SQLite, which its date functions read).</summary>
    public abstract object Timestamp(DateTimeOffset value);

    /// <summary>
    /// True when the database could not be used at all (unreachable, shutting down, busy, out of disk): every write of the
    /// batch fails alike. Any other failure belongs to one write (a value a column refuses, a bad id), and the other writes
    /// of its batch are retried on their own.
    /// </summary>
    public abstract bool IsUnavailable(Exception e);

    public static void Add(DbCommand command, string name, object? value, DbType? type = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (type is { } t) parameter.DbType = t;
        command.Parameters.Add(parameter);
    }
}
