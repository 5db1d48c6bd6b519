using AftSweep.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AftSweep.Tests.Reliability;

/// <summary>A grains-only silo built by the silo host's own wiring (<see cref="SiloHostExtensions.AddAftSweepSilo"/>) from command-line arguments.</summary>
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

    public static async Task<InProcessSilo> StartAsync(string contentRoot, params string[] args)
    {
        Directory.CreateDirectory(contentRoot);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        var logs = new ListLogger();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.AddAftSweepSilo(args);
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

/// <summary>Every log line (with its exception) of every category, for tests that check what reaches the logs.</summary>
public sealed class ListLogger : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public string Text => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
