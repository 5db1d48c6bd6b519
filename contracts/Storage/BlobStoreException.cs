namespace AftSweep.Contracts.Storage;

/// <summary>
/// A blob operation that failed (after any retries). The message names the store and key and never carries a
/// connection string or key. <see cref="Status"/> is the HTTP-like status where there is one (404, 503, ...),
/// 0 for network failures; <see cref="IsTransient"/> says whether a retry could succeed.
/// </summary>
public sealed class BlobStoreException : IOException
{
    public BlobStoreException(string store, string? key, string operation, string message,
        int status = 0, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Store = store;
        Key = key;
        Operation = operation;
        Status = status;
        IsTransient = isTransient;
    }

    public string Store { get; }
    public string? Key { get; }
    public string Operation { get; }
    public int Status { get; }
    public bool IsTransient { get; }
}
