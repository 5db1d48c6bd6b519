using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AftSweep.Infra.Metrics;

/// <summary>
/// Storage retries, on their own meter ("AftSweep.Storage"): blob stores are built in many places without a
/// service provider (CLI verbs, the feature store), so the Polly pipeline records into this process-wide meter.
/// An observable counter, so each known operation is exported from zero before its first retry (absent series
/// would make a dashboard's "retries" panel show "no data" instead of 0).
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "AftSweep.Storage";
    public const string OperationTag = "operation";

    /// <summary>The operations <see cref="Storage.ResilientBlobStore"/> runs through the pipeline.</summary>
    public static IReadOnlyList<string> Operations { get; } = ["get", "open", "stat", "put", "delete", "list"];

    private static readonly ConcurrentDictionary<string, long> Retries = new(Operations.Select(o => KeyValuePair.Create(o, 0L)), StringComparer.Ordinal);
    private static readonly Meter Meter = new(MeterName);

    static StorageMetrics()
    {
        Meter.CreateObservableCounter(InstrumentNames.StorageRetries,
            () => Retries.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>(OperationTag, kv.Key))),
            description: "Storage operations retried by the resilience pipeline, by operation.");
    }

    /// <summary>Creates the meter (a no-op after the first call), so an exporter started now sees it from zero.</summary>
    public static void EnsureCreated() => _ = Meter.Name;

    public static void Retried(string? operation)
    {
        var key = operation is not null && Retries.ContainsKey(operation) ? operation : "other";
        Retries.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public static long RetriesOf(string operation) => Retries.GetValueOrDefault(operation);
}
