using AftSweep.Infra.Database.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// A fresh PostgreSQL schema with AftSweep's tables (`db init` into it) for one benchmark run, dropped afterwards; the
/// connection string it hands out puts the schema first on the search path, so every table the run touches is its own.
/// </summary>
public sealed class ScratchSchema : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private ScratchSchema(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ScratchSchema> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var name = $"aftsweep_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var scoped = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = name }.ConnectionString;
        var schema = new ScratchSchema(connectionString, name, scoped);
        try
        {
            await using var database = new PostgresStateDatabase(scoped, TimeProvider.System, NullLogger<PostgresStateDatabase>.Instance);
            await database.InitAsync(cancellationToken);
        }
        catch
        {
            await schema.DisposeAsync();
            throw;
        }
        return schema;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA {_name} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
