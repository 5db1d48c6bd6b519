using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AftSweep.Tests.Infrastructure;

/// <summary>
/// A real Azurite (Blob, Queue and Table) on 127.0.0.1 with free ports and a temp data folder, started once per
/// test collection and killed at the end. Installed by scripts/install-test-deps.sh into .tools/. Use
/// <see cref="ConnectionString"/> for Azure SDK clients (blob and table endpoints included); give each test its
/// own container or table name so tests do not see each other's data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's fixed development account (public, documented; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private Process? _process;
    private readonly StringBuilder _output = new();
    private string? _dataDirectory;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }
    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public async Task InitializeAsync()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("aftsweep-azurite-").FullName;
        (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort());
        await StartProcessAsync();
    }

    /// <summary>
    /// Takes Azurite down, keeping its ports and data folder for <see cref="RestartAsync"/>: SIGTERM, so it saves its
    /// metadata before exiting (SIGKILL after 15 s). Azurite keeps blob and table metadata in memory and saves it every
    /// 5 s, so a SIGKILL would also lose writes it had acknowledged, which real Azure Storage never does; an outage of
    /// the service is refused connections, not lost data.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString() }, UseShellExecute = false })!)
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await KillAsync();
    }

    /// <summary>Kills the Azurite process (SIGKILL); its ports and data folder are kept for <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts Azurite again on the same ports and data folder (what it had persisted is served again).</summary>
    public Task RestartAsync() => _process is null
        ? StartProcessAsync()
        : throw new InvalidOperationException("Azurite is still running: kill it first");

    private async Task StartProcessAsync()
    {
        var executable = Path.Combine(RepositoryRoot.Find(), ".tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run scripts/install-test-deps.sh");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--location", _dataDirectory!, "--skipApiVersionCheck", "--loose",
            // No telemetry upload: the machine has no network, and a pending upload held a stopping Azurite up for 15 s.
            "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        }) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!(await AcceptsAsync(BlobPort) && await AcceptsAsync(TablePort) && await AcceptsAsync(QueuePort)))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before answering: {Output}");
            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException($"Azurite did not answer on ports {BlobPort}/{QueuePort}/{TablePort} within {StartTimeout.TotalSeconds} s: {Output}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        if (_dataDirectory is not null)
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    private string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) if (_output.Length < 16_000) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Tests that need Azurite join this collection and share one instance.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
