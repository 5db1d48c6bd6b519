using System.Diagnostics;
using System.Text;

namespace AftSweep.Tests.Observability;

/// <summary>The built silo (aftsweep-silo.dll) as a child process, on the given loopback ports; killed on dispose.</summary>
public sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
    }

    public int HttpPort { get; }

    /// <summary>The process ended on its own (a crash, or a silo that stopped itself), not by <see cref="Dispose"/>.</summary>
    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>silo/bin/&lt;configuration&gt;/net10.0/aftsweep-silo.dll, built alongside the tests (same configuration).</summary>
    public static string FindBuiltSilo()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent?.Name ?? "Debug";
        var path = Path.Combine(Infrastructure.RepositoryRoot.Find(), "silo", "bin", configuration, framework, "aftsweep-silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"the silo is not built at {path}: run `dotnet build tests` (it builds silo/)", path);
    }

    /// <summary>Starts the silo and waits for /healthz; <paramref name="environment"/> carries settings that must not be on a command line (connection strings).</summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyList<string> arguments, int httpPort, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(FindBuiltSilo());
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, httpPort);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitHealthyAsync();
        }
        catch
        {
            silo.Dispose();
            throw;
        }
        return silo;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the silo exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var health = await http.GetAsync($"http://127.0.0.1:{HttpPort}/healthz");
                if (health.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the silo was not healthy after {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
