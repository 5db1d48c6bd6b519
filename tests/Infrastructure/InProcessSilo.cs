using AftSweep.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AftSweep.Tests.Infrastructure;

/// <summary>
/// A silo built in this process by the silo host's own wiring (<see cref="SiloHostExtensions.AddAftSweepSilo"/>:
/// Orleans, Kestrel on loopback, /healthz, /metrics) from command-line arguments; <c>services</c> adds what a test
/// needs on top (e.g. the real trial executor). Every log line is kept in <see cref="Logs"/>.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessSilo(WebApplication app, ListLogger logs)
    {
        _app = app;
        Logs = logs;
    }

    public ListLogger Logs { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<InProcessSilo> StartAsync(string contentRoot, params string[] args) => StartAsync(contentRoot, args, null);

    public static async Task<InProcessSilo> StartAsync(string contentRoot, string[] args, Action<IServiceCollection>? services)
    {
        Directory.CreateDirectory(contentRoot);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        var logs = new ListLogger();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.AddAftSweepSilo(args);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAftSweepEndpoints();
        await app.StartAsync();
        return new InProcessSilo(app, logs);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }
}
