using System.Net.Sockets;
using Azure;
using AftSweep.Contracts.Storage;
using Polly.Timeout;

namespace AftSweep.Infra.Storage;

/// <summary>Which failures a retry may fix: 408, 429, 5xx (but 501/505), network errors and attempt timeouts.</summary>
public static class TransientFailures
{
    public static bool IsTransientStatus(int status) =>
        status is 0 or 408 or 429 || (status >= 500 && status is not 501 and not 505);

    public static bool IsTransient(Exception e) => e switch
    {
        BlobStoreException b => b.IsTransient,
        RequestFailedException r => IsTransientStatus(r.Status),
        TimeoutRejectedException => true,
        HttpRequestException or SocketException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        // Local disk: a sharing violation or an interrupted read may pass; a missing path will not.
        FileNotFoundException or DirectoryNotFoundException or PathTooLongException => false,
        UnauthorizedAccessException => false,
        IOException => true,
        _ => false,
    };
}
