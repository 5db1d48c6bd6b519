using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AftSweep.Infra.Database.Postgres;

/// <summary>
/// A cluster's state database on PostgreSQL: grain state, sweeps and records (the same tables as SQLite), beside the
/// membership tables of Orleans' ADO.NET clustering. `aftsweep db init` creates and upgrades the schema
/// (<see cref="InitAsync"/>); silos only check it and refuse to start on a missing or older one, naming that command.
/// Commits use the server's durability settings (by default every commit is flushed to disk before it returns).
/// </summary>
public sealed partial class PostgresStateDatabase : StateDatabase
{
    /// <summary>What creates or upgrades the schema, for error messages.</summary>
    public const string InitCommand = "aftsweep db init --cluster postgres";

    public static readonly IReadOnlyList<SchemaComponent> Components =
    [
        new(SchemaComponent.AftSweep, ["postgres-aftsweep-001.sql"]),
        new(SchemaComponent.OrleansClustering, ["postgres-orleans-clustering-001.sql"]),
    ];

    // Serialises `db init` runs against one database (any fixed 64-bit number; this is "aftsweep" in ASCII).
    private const long InitLock = 0x6166747377656570;

    private readonly NpgsqlDataSource _source;
    private readonly string _description;
    private readonly ILogger _logger;

    public PostgresStateDatabase(string connectionString, TimeProvider time, ILogger<PostgresStateDatabase> logger)
        : base(PostgresDialect.Instance, time, logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "aftsweep";
        // The same few statements run thousands of times: let Npgsql prepare them on each connection (parsed and
        // planned once), unless the connection string says otherwise.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        // Sessions set no state of their own: a pooled connection needs no reset each time it is handed out again.
        builder.NoResetOnClose = true;
        _description = Describe(builder);
        _source = NpgsqlDataSource.Create(builder);
        _logger = logger;
    }

    public override string Describe() => _description;

    /// <summary>"PostgreSQL database 'x' on host:port": never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"PostgreSQL database '{builder.Database ?? builder.Username ?? "?"}' on {builder.Host ?? "localhost"}:{builder.Port}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SchemaMigrator.CheckAsync(connection, Components, Describe(), InitCommand, cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Creates or upgrades every schema component (idempotent); the migrations applied, empty when current.</summary>
    public async Task<IReadOnlyList<string>> InitAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var gate = connection.CreateCommand())
        {
            gate.Transaction = transaction;
            gate.CommandText = $"SELECT pg_advisory_xact_lock({InitLock})";
            await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var applied = await SchemaMigrator.MigrateAsync(connection, transaction, Components, Describe(), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (applied.Count > 0) LogInitialised(_logger, Describe(), string.Join(", ", applied));
        return applied;
    }

    /// <summary>Each schema component's version (0: absent).</summary>
    public async Task<IReadOnlyDictionary<string, int>> VersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await SchemaMigrator.VersionsAsync(connection, Components, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Database}: schema {Migrations}")]
    private static partial void LogInitialised(ILogger logger, string database, string migrations);
}
