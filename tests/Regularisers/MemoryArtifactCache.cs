using System.Collections.Concurrent;
using AftSweep.Transfer.Artifacts;

namespace AftSweep.Tests.Regularisers;

/// <summary>An in-memory <see cref="IArtifactCache"/> that counts writes.</summary>
internal sealed class MemoryArtifactCache : IArtifactCache
{
    private readonly ConcurrentDictionary<string, byte[]> entries = new();
    private int puts;

    public int Puts => puts;

    public byte[]? TryGet(string key) => entries.GetValueOrDefault(key);

    public void Put(string key, byte[] bytes)
    {
        entries[key] = bytes;
        Interlocked.Increment(ref puts);
    }
}
