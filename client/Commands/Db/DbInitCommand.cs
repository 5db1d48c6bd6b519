using System.ComponentModel;
using AftSweep.Client.Commands.ClusterAccess;
using AftSweep.Client.Commands.Run;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Postgres;
using AftSweep.Infra.Orleans;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Db;

/// <summary>
/// `aftsweep db init`: creates or upgrades the state database's schema; idempotent. A PostgreSQL cluster
/// (`--cluster postgres` with the connection string in $AFTSWEEP_POSTGRES, or `--cluster postgres:CONNECTION_STRING`):
/// AftSweep's tables and Orleans' clustering tables, in one transaction. Otherwise the SQLite database of a state folder
/// (`--state`), which `aftsweep run` and local silos also create on their own, importing a state folder written by an
/// earlier AftSweep.
/// </summary>
public sealed class DbInitCommand(CliOutput output) : AsyncCommand<DbInitCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--cluster <CLUSTER>")]
        [Description("A PostgreSQL cluster: postgres (connection string in $AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING or postgres:ENV_VAR. Default: $AFTSWEEP_CLUSTER when it names one.")]
        public string? Cluster { get; init; }

        [CommandOption("--state <DIR>")]
        [Description("Without a PostgreSQL cluster: the state folder whose SQLite database (aftsweep.db) to create or upgrade. Default ./.aftsweep/state.")]
        public string? State { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var cluster = settings.Cluster ?? Environment.GetEnvironmentVariable(ClusterTarget.EnvironmentVariable);
        var postgres = cluster is not null && cluster.Trim().StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
        if (settings.Cluster is not null && !postgres)
            throw new ArgumentException("--cluster: db init creates a PostgreSQL cluster's schema (postgres or postgres:CONNECTION_STRING); for the embedded SQLite database give --state DIR");
        if (postgres && settings.State is not null)
            throw new ArgumentException("--state: give either --state (SQLite) or a PostgreSQL --cluster, not both");
        return postgres ? await InitPostgresAsync(cluster!, cancellationToken) : await InitSqliteAsync(settings.State ?? RunSettings.DefaultState, cancellationToken);
    }

    private async Task<int> InitPostgresAsync(string cluster, CancellationToken cancellationToken)
    {
        var options = ClusterTarget.Parse(cluster.Trim());
        ClusterConnectionOptionsValidator.ThrowIfInvalid(options);
        await using var database = new PostgresStateDatabase(options.PostgresConnectionString!, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresStateDatabase>.Instance);
        var applied = await database.InitAsync(cancellationToken);
        var versions = await database.VersionsAsync(cancellationToken);
        await output.Out.WriteLineAsync(applied.Count > 0
            ? $"{database.Describe()}: schema {string.Join(", ", applied)}"
            : $"{database.Describe()}: schema already current ({Versions(versions)}); nothing to do");
        return ExitCodes.Ok;
    }

    private async Task<int> InitSqliteAsync(string folder, CancellationToken cancellationToken)
    {
        await using var lease = OrleansHostingExtensions.OpenStateDatabase(new StateStoreOptions { Store = StoreMode.Local, Folder = folder }, new ClusterConnectionOptions());
        var database = (Infra.Database.Sqlite.SqliteStateDatabase)lease.Database;
        var existed = File.Exists(database.File);
        await database.EnsureReadyAsync(cancellationToken);
        if (database.Imported is { } imported) await output.Out.WriteLineAsync(imported.Describe());
        await output.Out.WriteLineAsync(existed ? $"{database.Describe()}: schema current" : $"{database.Describe()}: created");
        return ExitCodes.Ok;
    }

    private static string Versions(IReadOnlyDictionary<string, int> versions) => string.Join(", ", versions.Select(v => $"{v.Key} {v.Value}"));
}
