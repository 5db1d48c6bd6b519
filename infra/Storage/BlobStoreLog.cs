using Microsoft.Extensions.Logging;

namespace AftSweep.Infra.Storage;

/// <summary>Source-generated log messages of the blob stores. Stores are named by description, never by connection string.</summary>
internal static partial class BlobStoreLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "Blob store {Store}: transient failure, retry {Retry} of {MaxRetries} in {DelayMs:F0} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string store, int retry, int maxRetries, double delayMs, string reason);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error,
        Message = "Blob store {Store}: {Operation} '{Key}' failed: {Reason}")]
    public static partial void Failed(ILogger logger, string store, string operation, string? key, string reason);
}
