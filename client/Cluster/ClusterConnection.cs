using AftSweep.Infra.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AftSweep.Client.Cluster;

/// <summary>
/// An Orleans client connected to a running cluster (localhost or Azure clustering). Connecting is retried a few times
/// (a silo still starting); once connected, every call of <see cref="Sweeps"/> rides out failovers through the given
/// <see cref="ClusterCallResilience"/>.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    /// <summary>Connection attempts: enough for a silo that is still starting, short enough that a wrong port fails fast.</summary>
    public const int ConnectAttempts = 3;

    private static readonly ResiliencePipeline ConnectPipeline = new ResiliencePipelineBuilder { Name = "aftsweep-cluster-connect" }
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = ConnectAttempts - 1,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Constant,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
        })
        .Build();

    private readonly IHost _host;

    private ClusterConnection(IHost host, ClusterCallResilience? resilience)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
        Sweeps = new SweepClient(Grains, resilience);
    }

    public IClusterClient Grains { get; }
    public SweepClient Sweeps { get; }

    /// <param name="resilience">How calls ride out failovers; null: no retries (tests that want to see each failure).</param>
    /// <exception cref="ClusterUnreachableException">No gateway answered.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterConnectionOptions options, Action<ILoggingBuilder>? logging = null,
        ClusterCallResilience? resilience = null, CancellationToken cancellationToken = default)
    {
        try
        {
            // A fresh client host per attempt: a host whose start failed cannot be started again.
            var host = await ConnectPipeline.ExecuteAsync(async token => await StartClientAsync(options, logging, token), cancellationToken);
            return new ClusterConnection(host, resilience);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ClusterUnreachableException(options.DescribeTarget(), e);
        }
    }

    private static async Task<IHost> StartClientAsync(ClusterConnectionOptions options, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        // Orleans' own connection loop would retry forever; the pipeline above decides.
        builder.UseOrleansClient(client => client.UseAftSweepClustering(options).UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
