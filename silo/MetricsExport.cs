using AftSweep.Infra.Metrics;
using AftSweep.Transfer.Features;
using OpenTelemetry.Metrics;

namespace AftSweep.Silo;

/// <summary>
/// OpenTelemetry metrics for a silo, exported in Prometheus' text format at /metrics (mapped by
/// <see cref="SiloHostExtensions.MapAftSweepEndpoints"/>): the AftSweep meters, Orleans' own, and .NET runtime metrics.
/// The endpoint is served by the silo's Kestrel, which binds to loopback unless Cluster:Address says otherwise.
/// </summary>
public static class MetricsExport
{
    /// <summary>Every meter a silo exports; the dashboards under infra/grafana/dashboards query these.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        [InstrumentNames.MeterName, FeatureInstrumentNames.MeterName, StorageMetrics.MeterName, AftSweep.Infra.Database.DatabaseMetrics.MeterName, "Microsoft.Orleans"];

    public static IServiceCollection AddAftSweepMetricsExport(this IServiceCollection services)
    {
        StorageMetrics.EnsureCreated();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. Meters])
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
