using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Postgres;
using AftSweep.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AftSweep.Tests.Database;

/// <summary>A fresh state database of either kind: SQLite in a temp folder, or a new database on the test's PostgreSQL server after `db init`.</summary>
public static class TestDatabases
{
    public static readonly TheoryData<string> Kinds = new() { "sqlite", "postgres" };

    public static async Task<StateDatabaseLease> OpenAsync(string kind, TempDirectory temp, PostgresServer server)
    {
        if (kind == "sqlite") return StateDatabases.Sqlite(temp.Sub("state"), flushToDisk: false);
        var connection = await server.CreateDatabaseAsync();
        await using (var init = new PostgresStateDatabase(connection, TimeProvider.System, NullLogger<PostgresStateDatabase>.Instance))
            await init.InitAsync();
        return StateDatabases.Postgres(connection);
    }
}
