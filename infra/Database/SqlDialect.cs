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
