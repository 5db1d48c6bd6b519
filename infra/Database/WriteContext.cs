using System.Data.Common;

namespace AftSweep.Infra.Database;

/// <summary>One commit batch's transaction, as its writes see it.</summary>
public sealed class WriteContext
{
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly Dictionary<string, DbCommand> _commands;
    private readonly List<DbCommand> _disposables = [];

    internal WriteContext(DbConnection connection, DbTransaction? transaction, Dictionary<string, DbCommand> commands, SqlDialect dialect, DateTimeOffset now)
    {
        _connection = connection;
        _transaction = transaction;
        _commands = commands;
        Dialect = dialect;
        Now = now;
    }

    public SqlDialect Dialect { get; }

    /// <summary>The batch's timestamp (every row it writes carries the same one).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Trial records the batch wrote or deleted so far (what the crash tests aim at).</summary>
    public int RecordChanges { get; internal set; }

    /// <summary>
    /// A command for <paramref name="sql"/> on the batch's transaction, without parameters. Where the dialect reuses
    /// commands (<see cref="SqlDialect.ReusesCommands"/>) they are kept per writer connection, so each statement is compiled
    /// once; otherwise each call gets a new one, disposed with the batch.
    /// </summary>
    public DbCommand Command(string sql)
    {
        if (!Dialect.ReusesCommands)
        {
            var fresh = _connection.CreateCommand();
            fresh.CommandText = sql;
            fresh.Transaction = _transaction;
            _disposables.Add(fresh);
            return fresh;
        }
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = _transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>Disposes the commands made for this batch alone.</summary>
    internal async ValueTask ReleaseAsync()
    {
        foreach (var command in _disposables) await command.DisposeAsync().ConfigureAwait(false);
        _disposables.Clear();
    }
}
