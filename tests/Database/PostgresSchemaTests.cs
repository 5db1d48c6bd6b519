using AftSweep.Client.Commands;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Postgres;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AftSweep.Tests.Database;

/// <summary>`aftsweep db init` on PostgreSQL: idempotent, safe to run twice at once; silos refuse a missing, older or newer schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresServer server)
{
    private const string Password = "not-used-trust-auth";

    [Fact]
    public async Task DbInit_ThenAgain_CreatesOnceThenSaysNothingToDo_AndNeverPrintsThePassword()
    {
        var database = await server.CreateDatabaseAsync();

        var first = await CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{database}");
        var second = await CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{database}");

        Assert.True(first.ExitCode == ExitCodes.Ok, first.ToString());
        Assert.Contains("schema aftsweep 0 -> 1, orleans-clustering 0 -> 1", first.Out);
        Assert.True(second.ExitCode == ExitCodes.Ok, second.ToString());
        Assert.Contains("schema already current (aftsweep 1, orleans-clustering 1); nothing to do", second.Out);
        Assert.DoesNotContain(Password, first.ToString() + second);
        // The tables Orleans' clustering provider and the state need are there.
        Assert.Equal(10, await ScalarAsync(database, "SELECT COUNT(*) FROM OrleansQuery"));
        Assert.Equal(0, await ScalarAsync(database, "SELECT COUNT(*) FROM trial_records"));
    }

    [Fact]
    public async Task DbInit_TwoAtOnce_BothSucceedAndTheSchemaIsCreatedOnce()
    {
        var database = await server.CreateDatabaseAsync();

        var runs = await Task.WhenAll(
            Task.Run(() => CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{database}")),
            Task.Run(() => CliRun.InvokeAsync("db", "init", "--cluster", $"postgres:{database}")));

        Assert.All(runs, r => Assert.True(r.ExitCode == ExitCodes.Ok, r.ToString()));
        Assert.Single(runs, r => r.Out.Contains("0 -> 1", StringComparison.Ordinal));
        Assert.Equal(2, await ScalarAsync(database, "SELECT COUNT(*) FROM aftsweep_schema"));
    }

    [Fact]
    public async Task Silo_OnDatabaseWithoutSchema_RefusesToStartNamingDbInit()
    {
        var database = await server.CreateDatabaseAsync();
        using var temp = new TempDirectory("aftsweep-pg-");
        var ports = AftSweep.Client.Cluster.FreePorts.Take(3);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => InProcessSilo.StartAsync(temp.Path,
            "--clustering", "Postgres", "--state-store", "Postgres", $"--Cluster:PostgresConnectionString={database}",
            "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--http-port", $"{ports[2]}", "--Workers:Devices="));

        var message = Innermost(e).Message;
        Assert.Contains("has no AftSweep schema", message);
        Assert.Contains("run `aftsweep db init --cluster postgres`", message);
        Assert.DoesNotContain(Password, e.ToString());
    }

    [Fact]
    public async Task Check_OlderOrNewerSchema_SaysWhichCommandUpgradesWhat()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var database = new PostgresStateDatabase(connection, TimeProvider.System, NullLogger<PostgresStateDatabase>.Instance);
        await database.InitAsync();

        // A build that needs version 2 of the aftsweep schema, on a database at version 1.
        IReadOnlyList<SchemaComponent> newer = [new(SchemaComponent.AftSweep, ["postgres-aftsweep-001.sql", "postgres-aftsweep-002.sql"])];
        await using (var open = new NpgsqlConnection(connection))
        {
            await open.OpenAsync();
            var older = await Assert.ThrowsAsync<DatabaseSchemaException>(() =>
                SchemaMigrator.CheckAsync(open, newer, database.Describe(), PostgresStateDatabase.InitCommand, CancellationToken.None));
            Assert.Contains("schema 'aftsweep' is at version 1, this AftSweep needs version 2", older.Message);
            Assert.Contains("run `aftsweep db init --cluster postgres` to upgrade it", older.Message);
        }

        // A database a newer AftSweep upgraded.
        await ScalarAsync(connection, "UPDATE aftsweep_schema SET version = 9 WHERE component = 'aftsweep'");
        await using var fresh = new PostgresStateDatabase(connection, TimeProvider.System, NullLogger<PostgresStateDatabase>.Instance);
        var e = await Assert.ThrowsAsync<DatabaseSchemaException>(() => fresh.EnsureReadyAsync());
        Assert.Contains("at version 9, written by a newer AftSweep", e.Message);
        Assert.Contains("upgrade aftsweep", e.Message);
    }

    [Fact]
    public async Task ClusterOption_BadPostgresConnectionString_Exit2WithoutEchoingIt()
    {
        var run = await CliRun.InvokeAsync("status", "--cluster", "postgres:Host=db;Password=s3cret-value;Nonsense Key=1");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("not a PostgreSQL connection string", run.Error);
        Assert.DoesNotContain("s3cret-value", run.ToString());
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
