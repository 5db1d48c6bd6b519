using AftSweep.Infra.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AftSweep.Client.Cluster;

/// <summary>An Orleans client connected to a running cluster (localhost or Azure clustering).</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private const int ConnectAttempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IClusterClient>();
        Sweeps = new SweepClient(Grains);
    }

    public IClusterClient Grains { get; }
    public SweepClient Sweeps { get; }

    /// <exception cref="ClusterUnreachableException">No gateway answered.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterConnectionOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        var attempts = 0;
        builder.UseOrleansClient(client => client
            .UseAftSweepClustering(options)
            .UseConnectionRetryFilter(async (_, token) =>
            {
                // A few quick retries cover a silo that is still starting; then fail with a clear message.
                if (++attempts >= ConnectAttempts) return false;
                await Task.Delay(RetryDelay, token);
                return true;
            }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnreachableException(options.DescribeTarget(), e);
        }
        return new ClusterConnection(host);
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
