using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace AftSweep.Infra.Database.Postgres;

public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public override string Name => "PostgreSQL";

    public override bool ReusesCommands => false;

    /// <summary>Two: while one transaction waits for the server, the next batch is sent; more only split batches smaller.</summary>
    public override int WriterLanes => 2;

    public override bool PipelinesStatements => true;

    public override WriteStatement? StateWriteStatement(StateWrite write) => PostgresStateStatements.For(write);

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    // json, not jsonb: stored as written and accepting every string JSON can hold (jsonb refuses \u0000, which an
    // error message in a failed trial's record may carry); the ->, ->> operators work on both.
    public override void AddJson(DbCommand command, string name, string json) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Json) { Value = json });

    public override object Timestamp(DateTimeOffset value) => value.ToUniversalTime();

    /// <summary>
    /// The server is out of reach or refusing work: connection failures (Npgsql marks them transient), SQLSTATE classes 08
    /// (connection), 53 (insufficient resources), 57 (operator intervention: shutdown, cancel) and 40 (serialization
    /// failure, deadlock: the whole transaction is to be retried).
    /// </summary>
    public override bool IsUnavailable(Exception e) => e switch
    {
        PostgresException p => p.SqlState[..2] is "08" or "53" or "57" or "40",
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        _ => e is IOException or System.Net.Sockets.SocketException or TimeoutException,
    };
}
