using System.Diagnostics;
using AftSweep.Client.Cluster;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Observability;

/// <summary>
/// Two silos in one cluster on loopback (the in-process <see cref="WorkerSilo"/> that trains, primary; the built silo
/// as a child process, hosting grains), a real Prometheus scraping both with infra/prometheus/prometheus.yml, and
/// one finished sweep (examples/digits-tiny.json) so every metric has data. Everything is killed on dispose.
/// </summary>
public sealed class ObservabilityStack : IAsyncLifetime
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _temp = new("aftsweep-observe-");
    private WorkerSilo? _worker;
    private SiloProcess? _silo;

    public PrometheusServer Prometheus { get; private set; } = null!;
    public SweepStatus Sweep { get; private set; } = null!;
    public IReadOnlyList<int> MetricsPorts { get; private set; } = [];
    public string Diagnostics => $"silo process output:\n{_silo?.Output}\nprometheus output:\n{Prometheus?.Output}";

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(6);
        var clusterId = $"observe-{Guid.NewGuid():N}";
        var state = _temp.Sub("state");
        string[] Args(int http, int silo, int gateway) =>
        [
            "--http-port", $"{http}", "--silo-port", $"{silo}", "--gateway-port", $"{gateway}", "--primary-silo-port", $"{ports[1]}",
            "--cluster-id", clusterId, "--state", state, "--address", "127.0.0.1", "--devices", "cpu", "--slots-per-device", "1",
        ];
        var grid = GridParser.ParseFile(Path.Combine(RepositoryRoot.Find(), "examples", "digits-tiny.json"));
        var plan = GridPlanner.Plan(grid.Spec ?? throw new InvalidOperationException(string.Join("; ", grid.Problems)));
        await WorkerSilo.PreExtractTestSplitAsync(plan.Cells.SelectMany(c => c.SelectionTrials).First(t => t.Combo.Count > 0), _temp.Sub("worker"));
        _worker = await WorkerSilo.StartAsync(Args(ports[0], ports[1], ports[2]), ports[0], _temp.Sub("worker"));
        _silo = await SiloProcess.StartAsync(Args(ports[3], ports[4], ports[5]), ports[3]);
        MetricsPorts = [ports[0], ports[3]];

        var config = Path.Combine(RepositoryRoot.Find(), "infra", "prometheus", "prometheus.yml");
        Directory.CreateDirectory(_temp.Sub("prometheus"));
        Prometheus = await PrometheusServer.StartAsync(config, MetricsPorts.Select(p => $"127.0.0.1:{p}").ToList(), _temp.Sub("prometheus"));

        var sweeps = _worker.Sweeps;
        await sweeps.SubmitAsync(plan);
        using var timeout = new CancellationTokenSource(SweepTimeout);
        try
        {
            Sweep = await sweeps.WaitForCompletionAsync(plan.SweepId, cancellationToken: timeout.Token);
        }
        catch (OperationCanceledException)
        {
            var status = await sweeps.GetStatusAsync(plan.SweepId);
            throw new TimeoutException($"the sweep did not finish in {SweepTimeout.TotalSeconds} s: {status.Trials}\n{Diagnostics}");
        }
    }

    /// <summary>Polls until every expression returns data or <paramref name="timeout"/> passes; returns those still empty.</summary>
    public async Task<IReadOnlyList<string>> WaitForDataAsync(IReadOnlyList<string> expressions, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var missing = expressions.ToList();
        while (true)
        {
            var still = new List<string>();
            foreach (var expr in missing)
                if ((await Prometheus.QueryAsync(expr)).GetArrayLength() == 0) still.Add(expr);
            missing = still;
            if (missing.Count == 0 || clock.Elapsed > timeout) return missing;
            await Task.Delay(1000);
        }
    }

    public async Task DisposeAsync()
    {
        Prometheus?.Dispose();
        _silo?.Dispose();
        if (_worker is not null) await _worker.DisposeAsync();
        _temp.Dispose();
    }
}
