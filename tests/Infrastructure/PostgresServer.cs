using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AftSweep.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for one test class or collection: initdb into a temp folder, postgres on 127.0.0.1 and a
/// free port, trust authentication for the local "postgres" user, default durability (fsync and synchronous_commit
/// on). PostgreSQL refuses to run as root, so as root (CI) every command runs as the "postgres" user (runuser). The
/// binaries come from PATH or Debian's /usr/lib/postgresql/N/bin (scripts/install-test-deps.sh installs them).
/// <see cref="StopAsync"/> and <see cref="StartAsync"/> take it down and up on the same port and data (an outage).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(90);
    private string? _root;
    private int _databases;

    public int Port { get; private set; }
    public string DataDirectory => Path.Combine(_root!, "data");
    private string LogFile => Path.Combine(_root!, "postgres.log");

    /// <summary>A connection string to <paramref name="database"/> (never logged by the code under test).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Password = "not-used-trust-auth",
            Database = database,
            Timeout = 5,
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("aftsweep-pg-").FullName;
        Port = FreePort();
        if (IsRoot) await RunAsync("chown", ["postgres:", _root]);
        await RunAsync(Binary("initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
        await StartAsync();
    }

    /// <summary>Starts the server (again) on the same port and data folder; returns once it accepts connections.</summary>
    public Task StartAsync() => RunAsync(Binary("pg_ctl"),
        ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"],
        asPostgres: true);

    /// <summary>Stops the server (fast shutdown: sessions are disconnected, committed data kept).</summary>
    public Task StopAsync() => RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true);

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"aftsweep_test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        // Unpooled: a pooled connection may be one the server dropped when it was stopped.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string Log => _root is not null && File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public async Task DisposeAsync()
    {
        if (_root is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Binary("pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], asPostgres: true);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>A PostgreSQL program: on PATH, else the newest of Debian's /usr/lib/postgresql/N/bin.</summary>
    public static string Binary(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        const string Debian = "/usr/lib/postgresql";
        var found = Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin", name)).FirstOrDefault(File.Exists)
            : null;
        return found ?? throw new InvalidOperationException($"PostgreSQL's {name} is not installed (not on PATH, not in {Debian}/N/bin): run scripts/install-test-deps.sh");
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres = false)
    {
        var start = asPostgres && IsRoot
            ? ChildProcess.Start("runuser", _root!, ["-u", "postgres", "--", file, .. args])
            : ChildProcess.Start(file, _root!, args);
        var result = await ChildProcess.RunAsync(start, CommandLimit);
        if (result.Code != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {result.Code}: {result.Stderr}{result.Stdout}\n{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tests that share one PostgreSQL server (each takes its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
