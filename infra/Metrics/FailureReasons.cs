namespace AftSweep.Infra.Metrics;

/// <summary>
/// The bounded set of reasons a trial attempt fails or is retried for (a metric label), and the mapping from the
/// free-text error a worker reports. Free text never becomes a label: it would make one series per message.
/// </summary>
public static class FailureReasons
{
    public const string Diverged = "diverged";
    public const string Timeout = "timeout";
    public const string LeaseExpired = "lease-expired";
    public const string Cancelled = "cancelled";
    public const string Error = "error";

    public static IReadOnlyList<string> All { get; } = [Diverged, Timeout, LeaseExpired, Cancelled, Error];

    public static string Classify(string? error)
    {
        if (string.IsNullOrEmpty(error)) return Error;
        if (Contains(error, "lease expired") || Contains(error, "lease lost")) return LeaseExpired;
        if (Contains(error, "time limit") || Contains(error, "timed out") || Contains(error, "timeout")) return Timeout;
        if (Contains(error, "diverged") || Contains(error, "NaN") || Contains(error, "non-finite") || Contains(error, "infinity")) return Diverged;
        if (Contains(error, "cancel")) return Cancelled;
        return Error;
    }

    private static bool Contains(string text, string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);
}
