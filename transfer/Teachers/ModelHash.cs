using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AftSweep.Transfer.Teachers;

/// <summary>sha256 of model files, computed once per process per (path, size, write time): models are tens of MB.</summary>
internal static class ModelHash
{
    private static readonly ConcurrentDictionary<(string, long, DateTime), string> Cache = new();

    public static string OfFile(string path)
    {
        var info = new FileInfo(path);
        return Cache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    public static string OfBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The identity string of an extractor: its parts and the extractor code version, hashed.</summary>
    public static string Identity(params string[] parts) =>
        OfBytes(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", parts.Append(Contracts.CodeVersion.Extractor))));
}
