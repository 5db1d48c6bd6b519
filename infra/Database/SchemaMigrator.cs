using System.Data.Common;
using System.Globalization;

namespace AftSweep.Infra.Database;

/// <summary>
/// Brings a database's schema components to the versions this build knows (<see cref="MigrateAsync"/>), or checks that
/// they are there (<see cref="CheckAsync"/>). Versions live in aftsweep_schema (component, version, applied_at); each
/// migration runs in the caller's transaction with its version row, so a schema is never half upgraded.
/// </summary>
public static class SchemaMigrator
{
    public const string VersionTable = "aftsweep_schema";

    /// <summary>Key-value facts about the database (e.g. when a legacy state folder was imported).</summary>
    public const string MetaTable = "aftsweep_meta";

    public static readonly string Bootstrap =
        $"CREATE TABLE IF NOT EXISTS {VersionTable} (component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL);" +
        $"CREATE TABLE IF NOT EXISTS {MetaTable} (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

    /// <summary>The migrations applied, as "component v1 -> v2"; empty when everything was current.</summary>
    /// <exception cref="DatabaseSchemaException">A component is newer than this build knows.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SchemaComponent> components, string database, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, Bootstrap, cancellationToken).ConfigureAwait(false);
        var applied = new List<string>();
        foreach (var component in components)
        {
            var current = await VersionAsync(connection, transaction, component.Name, cancellationToken).ConfigureAwait(false) ?? 0;
            if (current > component.Latest) throw Newer(database, component, current);
            for (var version = current + 1; version <= component.Latest; version++)
            {
                await ExecuteAsync(connection, transaction, component.Script(version), cancellationToken).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO {VersionTable} (component, version, applied_at) VALUES (@component, @version, @at) " +
                                     "ON CONFLICT (component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at";
                SqlDialect.Add(record, "component", component.Name);
                SqlDialect.Add(record, "version", version);
                SqlDialect.Add(record, "at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            if (component.Latest > current) applied.Add($"{component.Name} {current} -> {component.Latest}");
        }
        return applied;
    }

    /// <summary>Throws unless every component is at the version this build knows.</summary>
    /// <param name="upgradeCommand">The command that creates or upgrades the schema, for the message.</param>
    public static async Task CheckAsync(DbConnection connection, IReadOnlyList<SchemaComponent> components, string database, string upgradeCommand, CancellationToken cancellationToken)
    {
        foreach (var component in components)
        {
            int? current;
            try
            {
                current = await VersionAsync(connection, null, component.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e) when (IsMissingTable(e))
            {
                current = null;
            }
            if (current is null)
                throw new DatabaseSchemaException($"{database} has no AftSweep schema ({component.Name}): run `{upgradeCommand}` to create it");
            if (current < component.Latest)
                throw new DatabaseSchemaException(
                    $"{database}: schema '{component.Name}' is at version {current}, this AftSweep needs version {component.Latest}: " +
                    $"stop the silos and run `{upgradeCommand}` to upgrade it");
            if (current > component.Latest) throw Newer(database, component, current.Value);
        }
    }

    /// <summary>Each component's version in the database (0 when absent).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> VersionsAsync(DbConnection connection, IReadOnlyList<SchemaComponent> components, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            try
            {
                versions[component.Name] = await VersionAsync(connection, null, component.Name, cancellationToken).ConfigureAwait(false) ?? 0;
            }
            catch (DbException e) when (IsMissingTable(e))
            {
                versions[component.Name] = 0;
            }
        }
        return versions;
    }

    private static DatabaseSchemaException Newer(string database, SchemaComponent component, int current) => new(
        $"{database}: schema '{component.Name}' is at version {current}, written by a newer AftSweep (this one knows up to {component.Latest}): upgrade aftsweep");

    private static async Task<int?> VersionAsync(DbConnection connection, DbTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT version FROM {VersionTable} WHERE component = @component";
        SqlDialect.Add(command, "component", component);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>aftsweep_schema does not exist (a database `db init` never touched): PostgreSQL 42P01, SQLite "no such table".</summary>
    private static bool IsMissingTable(DbException e) =>
        e.SqlState == "42P01" || e.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase);
}
