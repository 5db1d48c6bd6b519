using AftSweep.Infra.Database.Postgres;
using AftSweep.Infra.Database.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AftSweep.Infra.Database;

/// <summary>
/// One <see cref="StateDatabase"/> per database and process, shared by every silo and tool of the process that opens it
/// (the embedded host, in-process test and benchmark clusters), so they share one group-commit writer instead of
/// contending for SQLite's write lock. Reference-counted: the last lease to go closes it.
/// </summary>
public static class StateDatabases
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Entry> Open = new(StringComparer.Ordinal);

    /// <summary>The SQLite database of a state folder; separate instances for fsync on and off.</summary>
    public static StateDatabaseLease Sqlite(string stateFolder, bool flushToDisk, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        var folder = Path.GetFullPath(stateFolder);
        return Acquire($"sqlite|{flushToDisk}|{folder}", () => new SqliteStateDatabase(folder, flushToDisk, time ?? TimeProvider.System,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<SqliteStateDatabase>()));
    }

    /// <summary>The PostgreSQL database a connection string names.</summary>
    public static StateDatabaseLease Postgres(string connectionString, ILoggerFactory? loggers = null, TimeProvider? time = null) =>
        Acquire($"postgres|{connectionString}", () => new PostgresStateDatabase(connectionString, time ?? TimeProvider.System,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<PostgresStateDatabase>()));

    private static StateDatabaseLease Acquire(string key, Func<StateDatabase> create)
    {
        lock (Gate)
        {
            if (!Open.TryGetValue(key, out var entry))
            {
                entry = new Entry(create());
                Open[key] = entry;
            }
            entry.References++;
            return new StateDatabaseLease(entry.Database, () => ReleaseAsync(key, entry));
        }
    }

    private static ValueTask ReleaseAsync(string key, Entry entry)
    {
        lock (Gate)
        {
            if (--entry.References > 0) return ValueTask.CompletedTask;
            Open.Remove(key);
        }
        return entry.Database.DisposeAsync();
    }

    private sealed class Entry(StateDatabase database)
    {
        public StateDatabase Database { get; } = database;
        public int References { get; set; }
    }
}

/// <summary>A use of a shared <see cref="StateDatabase"/>; disposing it releases the database when no other use remains.</summary>
public sealed class StateDatabaseLease(StateDatabase database, Func<ValueTask> release) : IAsyncDisposable
{
    private int _released;

    public StateDatabase Database { get; } = database;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? release() : ValueTask.CompletedTask;
}
