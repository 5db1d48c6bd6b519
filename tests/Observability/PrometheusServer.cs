using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AftSweep.Client.Cluster;
using YamlDotNet.RepresentationModel;

namespace AftSweep.Tests.Observability;

/// <summary>
/// A real Prometheus (Debian's package, installed by scripts/install-test-deps.sh) on a free loopback port, running
/// infra/prometheus/prometheus.yml with only its targets (and scrape interval) rewritten, and a temp TSDB.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The repository's Prometheus config with every scrape job's targets replaced by <paramref name="targets"/>.</summary>
    public static string RewriteConfig(string configPath, IReadOnlyList<string> targets, TimeSpan scrapeInterval)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(configPath)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var global = (YamlMappingNode)root.Children[new YamlScalarNode("global")];
        global.Children[new YamlScalarNode("scrape_interval")] = new YamlScalarNode($"{scrapeInterval.TotalSeconds:0}s");
        var jobs = (YamlSequenceNode)root.Children[new YamlScalarNode("scrape_configs")];
        foreach (var job in jobs.Cast<YamlMappingNode>())
        {
            var statics = (YamlSequenceNode)job.Children[new YamlScalarNode("static_configs")];
            var first = (YamlMappingNode)statics.Children[0];
            first.Children[new YamlScalarNode("targets")] = new YamlSequenceNode(targets.Select(t => new YamlScalarNode(t)));
            while (statics.Children.Count > 1) statics.Children.RemoveAt(1);
        }
        using var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static async Task<PrometheusServer> StartAsync(string configPath, IReadOnlyList<string> targets, string workDirectory)
    {
        var executable = FindOnPath("prometheus")
            ?? throw new InvalidOperationException("prometheus is not installed: run scripts/install-test-deps.sh (Debian package 'prometheus')");
        var config = Path.Combine(workDirectory, "prometheus.yml");
        await File.WriteAllTextAsync(config, RewriteConfig(configPath, targets, TimeSpan.FromSeconds(1)));
        var port = FreePorts.Take(1)[0];
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"--config.file={config}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(workDirectory, "tsdb")}");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var server = new PrometheusServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Evaluates an instant query; returns the result vector (empty when there is no data). Bad PromQL throws.</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await _http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode || body.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"query '{expression}' failed: {body}");
        return body.GetProperty("data").GetProperty("result").Clone();
    }

    public void Dispose()
    {
        _http.Dispose();
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

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var ready = await _http.GetAsync("/-/ready");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"prometheus not ready after {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
